/*
 * gmime_bench.c - GMime 3 baseline for billable's MIME parser benchmark.
 *
 * Parses every message of an mbox with GMimeParser in GMIME_FORMAT_MBOX mode
 * and extracts the same fields as `billable parse --count` and
 * python_bench.py:
 *
 *   Message-ID, Date (parsed to a Unix time), From/To/Cc (InternetAddressLists,
 *   walked down into groups), Subject (RFC 2047-decoded by GMime), and the
 *   first non-attachment text/plain part decoded to UTF-8 (transfer decoding
 *   + charset conversion via g_mime_text_part_get_text), else the first
 *   text/html part.
 *
 * Output, one line:
 *   gmime messages=N text_bytes=T addresses=A dated=D
 * text_bytes sums the UTF-8 body sizes so that the decoding work is observable
 * (and comparable with the other tools); addresses and dated are cross-checks.
 *
 * Build:  cc -O2 bench/gmime_bench.c $(pkg-config --cflags --libs gmime-3.0) -o gmime_bench
 * Usage:  gmime_bench [--mmap] [--warnings] FILE.mbox
 *   --mmap      read through GMimeStreamMmap instead of GMimeStreamFs.  Slightly
 *               faster, but the mapped file pages then count towards peak RSS,
 *               which would hide GMime's real working set in the memory
 *               column; so the plain file stream is the default.
 *   --warnings  install a parser warning callback and print per-code counts
 *               to stderr (corpus validation; not for timing).
 *   --per-message  also print "msg INDEX text_bytes=T addresses=A" per message
 *               (1-based), to diff against python_bench.py --per-message.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gmime/gmime.h>

struct totals {
	unsigned long long messages;
	unsigned long long text_bytes;
	unsigned long long addresses;
	unsigned long long dated;
	unsigned long long header_bytes; /* only keeps header work observable */
};

/* Count every mailbox in a list, descending into groups (undisclosed-recipients:; etc). */
static void
walk_addresses (InternetAddressList *list, struct totals *t)
{
	int i, n;

	if (list == NULL)
		return;

	n = internet_address_list_length (list);
	for (i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address (list, i);
		const char *name = internet_address_get_name (ia);

		if (name)
			t->header_bytes += strlen (name);

		if (INTERNET_ADDRESS_IS_GROUP (ia)) {
			walk_addresses (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia)), t);
		} else if (INTERNET_ADDRESS_IS_MAILBOX (ia)) {
			const char *addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia));
			if (addr)
				t->header_bytes += strlen (addr);
			t->addresses++;
		}
	}
}

/*
 * Depth-first search for the first non-attachment text/<subtype> part.
 * Like Python's get_body(), attached messages (message/rfc822) are not
 * entered: their text is not the body of this message.
 */
static GMimeTextPart *
find_text_part (GMimeObject *obj, const char *subtype)
{
	if (GMIME_IS_MULTIPART (obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART (obj);
		int i, n = g_mime_multipart_get_count (mp);

		for (i = 0; i < n; i++) {
			GMimeTextPart *found = find_text_part (g_mime_multipart_get_part (mp, i), subtype);
			if (found)
				return found;
		}
		return NULL;
	}

	if (GMIME_IS_TEXT_PART (obj) && !g_mime_part_is_attachment (GMIME_PART (obj))) {
		GMimeContentType *ct = g_mime_object_get_content_type (obj);
		if (g_mime_content_type_is_type (ct, "text", subtype))
			return GMIME_TEXT_PART (obj);
	}

	return NULL;
}

/* GMimeParserWarning codes run from 1 to GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT. */
#define N_WARNING_CODES (GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT + 1)
static unsigned long long warning_counts[N_WARNING_CODES];

static void
count_warning (gint64 offset, GMimeParserWarning errcode, const gchar *item, gpointer user_data)
{
	(void) user_data;
	if ((unsigned) errcode < N_WARNING_CODES)
		warning_counts[errcode]++;
	/* Show the first few so a corpus problem can be located. */
	if (getenv ("GMIME_BENCH_VERBOSE"))
		fprintf (stderr, "warning %d at offset %lld: %s\n", (int) errcode, (long long) offset, item ? item : "");
}

static gboolean per_message = FALSE;

static void
process_message (GMimeMessage *msg, struct totals *t)
{
	unsigned long long text_before = t->text_bytes, addresses_before = t->addresses;
	const char *s;
	GDateTime *date;
	GMimeObject *body;

	t->messages++;

	if ((s = g_mime_message_get_message_id (msg)))
		t->header_bytes += strlen (s);

	if ((date = g_mime_message_get_date (msg))) {
		t->header_bytes += (unsigned long long) g_date_time_to_unix (date) & 1;
		t->dated++;
	}

	walk_addresses (g_mime_message_get_from (msg), t);
	walk_addresses (g_mime_message_get_to (msg), t);
	walk_addresses (g_mime_message_get_cc (msg), t);

	if ((s = g_mime_message_get_subject (msg)))
		t->header_bytes += strlen (s);

	body = g_mime_message_get_mime_part (msg);
	if (body) {
		GMimeTextPart *part = find_text_part (body, "plain");
		if (!part)
			part = find_text_part (body, "html");
		if (part) {
			/* Transfer-decodes and converts from the part's charset to UTF-8. */
			char *text = g_mime_text_part_get_text (part);
			if (text) {
				t->text_bytes += strlen (text);
				g_free (text);
			}
		}
	}

	if (per_message)
		printf ("msg %llu text_bytes=%llu addresses=%llu\n", t->messages,
			t->text_bytes - text_before, t->addresses - addresses_before);
}

int
main (int argc, char **argv)
{
	struct totals t = { 0 };
	gboolean use_mmap = FALSE, warnings = FALSE;
	GMimeParserOptions *options = NULL;
	const char *path = NULL;
	GMimeStream *stream;
	GMimeParser *parser;
	int i, fd;

	for (i = 1; i < argc; i++) {
		if (!strcmp (argv[i], "--mmap"))
			use_mmap = TRUE;
		else if (!strcmp (argv[i], "--warnings"))
			warnings = TRUE;
		else if (!strcmp (argv[i], "--per-message"))
			per_message = TRUE;
		else
			path = argv[i];
	}
	if (!path) {
		fprintf (stderr, "usage: %s [--mmap] [--warnings] [--per-message] FILE.mbox\n", argv[0]);
		return 2;
	}

	if ((fd = open (path, O_RDONLY)) == -1) {
		fprintf (stderr, "gmime_bench: %s: %s\n", path, strerror (errno));
		return 1;
	}

	g_mime_init ();

	/* The stream owns fd from here on and closes it when unreffed. */
	if (use_mmap) {
		stream = g_mime_stream_mmap_new (fd, PROT_READ, MAP_PRIVATE);
		if (!stream) {
			fprintf (stderr, "gmime_bench: mmap failed, falling back to GMimeStreamFs\n");
			stream = g_mime_stream_fs_new (fd);
		}
	} else {
		stream = g_mime_stream_fs_new (fd);
	}

	if (warnings) {
		options = g_mime_parser_options_new ();
		g_mime_parser_options_set_warning_callback (options, count_warning, NULL);
	}

	parser = g_mime_parser_new_with_stream (stream);
	g_object_unref (stream); /* the parser holds its own reference */
	g_mime_parser_set_format (parser, GMIME_FORMAT_MBOX);

	while (!g_mime_parser_eos (parser)) {
		GMimeMessage *msg = g_mime_parser_construct_message (parser, options);
		if (!msg)
			break; /* no further "From " marker could be found */
		process_message (msg, &t);
		g_object_unref (msg);
	}

	g_object_unref (parser);
	if (options)
		g_mime_parser_options_free (options);
	g_mime_shutdown ();

	printf ("gmime messages=%llu text_bytes=%llu addresses=%llu dated=%llu\n",
		t.messages, t.text_bytes, t.addresses, t.dated);
	/* header_bytes is not part of the stable output; report it only on request. */
	if (getenv ("GMIME_BENCH_VERBOSE"))
		fprintf (stderr, "header_bytes=%llu\n", t.header_bytes);
	if (warnings) {
		unsigned long long total = 0;
		for (i = 1; i < N_WARNING_CODES; i++) {
			if (warning_counts[i])
				fprintf (stderr, "  warning code %2d: %llu\n", i, warning_counts[i]);
			total += warning_counts[i];
		}
		fprintf (stderr, "gmime warnings: %llu\n", total);
	}
	return 0;
}
