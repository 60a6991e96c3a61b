#!/usr/bin/env python3
"""Python email-package baseline for the MIME parser benchmark.

Reads an mbox with mailbox.mbox and parses every message with the modern
email API (policy=email.policy.default), extracting the same fields as
gmime_bench.c and `billable parse --count`:

  Message-ID, Date (parsed to a datetime), From/To/Cc (address lists, every
  address touched), Subject (RFC 2047-decoded), and the body chosen by
  get_body(('plain', 'html')) decoded to str.

Prints one line:
  python messages=N text_bytes=T addresses=A dated=D errors=E
text_bytes is the UTF-8 size of the extracted bodies: it both keeps the work
from being skipped and lets the three tools be cross-checked against each
other.  A message that raises is counted in errors and skipped: the benchmark
must finish on bad input rather than crash.

--check-defects additionally walks every part and header and reports the
email package's defect list, which is how the generated corpora are validated.
Python standard library only.
"""

import argparse
import collections
import email.policy
import mailbox
import sys
from email.parser import BytesParser


def header_defects(msg):
    """Defect class names recorded on the (parsed) headers of one part."""
    found = []
    for _name, value in msg.items():
        for defect in getattr(value, "defects", ()):
            found.append(type(defect).__name__)
    return found


def main():
    ap = argparse.ArgumentParser(description="Parse an mbox with Python's email package (policy=default).")
    ap.add_argument("mbox")
    ap.add_argument("--check-defects", action="store_true",
                    help="report defects found by the email package (slower; not for timing)")
    ap.add_argument("--show", type=int, default=0, metavar="N",
                    help="with --check-defects, print the first N defective messages' details to stderr")
    ap.add_argument("--per-message", action="store_true",
                    help='also print "msg INDEX text_bytes=T addresses=A" per message, like gmime_bench')
    args = ap.parse_args()

    # mailbox.mbox scans the whole file for "From " lines up front (its table of
    # contents), then get_bytes() returns each message without the separator.
    box = mailbox.mbox(args.mbox, create=False)
    parser = BytesParser(policy=email.policy.default)

    messages = text_bytes = addresses = dated = errors = 0
    defective_msgs = 0
    defect_kinds = collections.Counter()
    shown = 0

    for key in box.iterkeys():
        messages += 1
        text_before, addresses_before = text_bytes, addresses
        try:
            msg = parser.parsebytes(box.get_bytes(key))

            # Headers are parsed lazily by the header registry: touch each field.
            msg_id = str(msg["message-id"] or "")

            date = msg["date"]
            if date is not None and date.datetime is not None:
                date.datetime.timestamp()
                dated += 1

            for field in ("from", "to", "cc"):
                value = msg[field]
                if value is None:
                    continue
                for addr in value.addresses:  # groups are flattened here
                    addresses += 1
                    addr.addr_spec, addr.display_name

            str(msg["subject"] or "")

            body = msg.get_body(preferencelist=("plain", "html"))
            if body is not None:
                # surrogateescape: bodies with undecodable bytes still have a size.
                text_bytes += len(body.get_content().encode("utf-8", "surrogateescape"))

            if args.check_defects:
                kinds = []
                for part in msg.walk():
                    kinds.extend(type(d).__name__ for d in part.defects)
                    kinds.extend(header_defects(part))
                if kinds:
                    defective_msgs += 1
                    defect_kinds.update(kinds)
                    if shown < args.show:
                        shown += 1
                        print("defective message #%d (%s): %s" % (messages, msg_id, ", ".join(kinds)), file=sys.stderr)
        except Exception as exc:  # per-message: one bad message must not end the run
            errors += 1
            if args.check_defects and shown < args.show:
                shown += 1
                print("error in message #%d: %r" % (messages, exc), file=sys.stderr)
        if args.per_message:
            print("msg %d text_bytes=%d addresses=%d" % (messages, text_bytes - text_before, addresses - addresses_before))

    print("python messages=%d text_bytes=%d addresses=%d dated=%d errors=%d"
          % (messages, text_bytes, addresses, dated, errors))
    if args.check_defects:
        pct = 100.0 * defective_msgs / messages if messages else 0.0
        print("defects: %d of %d messages (%.2f%%) have defects" % (defective_msgs, messages, pct), file=sys.stderr)
        for kind, count in defect_kinds.most_common():
            print("  %-45s %d" % (kind, count), file=sys.stderr)


if __name__ == "__main__":
    main()
