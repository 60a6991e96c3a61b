#!/usr/bin/env python3
"""End-to-end test of `billable mcp` with a real MCP client (the Python `mcp` package).

Starts the server over stdio, lists the four tools and checks their schemas, calls each on the
bundled sample and compares the result with the CLI's own output for the same request, then
sends bad inputs (a missing file, a bad date, a path outside --allow, an unknown key, an unknown
tool) and checks each is a tool error while the server keeps serving.
Usage: check_mcp.py BILLABLE REPO_ROOT   (prints 'mcp: N passed, N failed')."""

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    if not ok:
        print(f"  FAILED {name}: {detail}")


def field(obj, snake, camel):
    """The mcp package renamed its attributes to snake_case in 2.x; read either."""
    return getattr(obj, snake, None) if hasattr(obj, snake) else getattr(obj, camel, None)


def is_error(result):
    return bool(field(result, "is_error", "isError"))


def structured(result):
    return field(result, "structured_content", "structuredContent")


def cli(billable, *args):
    run = subprocess.run([billable, *args], capture_output=True, text=True)
    return run.returncode, run.stdout, run.stderr


async def main(billable, root):
    sample = os.path.join(root, "fixtures", "sample")
    inputs = [os.path.join(sample, "mbox"), os.path.join(sample, "maildir"), os.path.join(sample, "eml")]
    with tempfile.TemporaryDirectory() as work:
        config = os.path.join(work, "billable.toml")
        shutil.copy(os.path.join(sample, "billable.toml"), config)
        db = os.path.join(work, "mcp.sqlite")
        out = os.path.join(work, "reports")
        params = StdioServerParameters(
            command=billable,
            args=["mcp", "--config", config, "--db", db, "--out", out, "--allow", sample, "--allow", work])
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                tools = {tool.name: tool for tool in (await session.list_tools()).tools}
                check("four tools", sorted(tools) == sorted(
                    ["scan_billable_time", "analyze_time_entry", "get_time_tracking_summary", "configure_time_tracking"]),
                    sorted(tools))
                check("scan schema requires paths", field(tools["scan_billable_time"], "input_schema", "inputSchema").get("required") == ["paths"])
                check("analyze schema requires path", field(tools["analyze_time_entry"], "input_schema", "inputSchema").get("required") == ["path"])
                check("every tool is described", all(tool.description for tool in tools.values()))

                # scan: the same totals as the CLI scanning the same inputs into another store,
                # with progress notifications along the way.
                progress = []

                async def on_progress(done, total, message):
                    progress.append(done)

                try:
                    scan = await session.call_tool("scan_billable_time", {"paths": inputs}, progress_callback=on_progress)
                    await asyncio.sleep(0.2)
                    check("scan reports progress", len(progress) > 0 and progress[-1] >= 20, progress)
                except TypeError:  # an mcp client without progress callbacks
                    scan = await session.call_tool("scan_billable_time", {"paths": inputs})
                check("scan succeeds", not is_error(scan), scan.content)
                data = structured(scan) or {}
                cli_db = os.path.join(work, "cli.sqlite")
                code, _, err = cli(billable, "scan", "--quiet", "--config", config, "--db", cli_db,
                                   "--out", os.path.join(work, "cli-reports"), *inputs)
                check("cli scan succeeds", code == 0, err)
                code, summary_json, _ = cli(billable, "summary", "--db", cli_db, "--format", "json")
                cli_total = json.loads(summary_json)["total"]
                check("scan entries match the CLI", data.get("entries") == cli_total["entries"], f"{data} vs {cli_total}")
                check("scan hours match the CLI", abs(data.get("hours", -1) - cli_total["hours"]) < 0.005)
                check("scan reads 24 messages", data.get("messages_read") == 24, data)

                # analyze: identical to `billable analyze --json`.
                eml = os.path.join(sample, "eml", "falcon-kickoff.eml")
                analysis = await session.call_tool("analyze_time_entry", {"path": eml})
                check("analyze succeeds", not is_error(analysis), analysis.content)
                code, analyze_json, _ = cli(billable, "analyze", "--config", config, "--json", eml)
                check("analyze matches the CLI", structured(analysis) == json.loads(analyze_json))
                by_id = await session.call_tool("analyze_time_entry", {
                    "path": os.path.join(sample, "mbox", "inbox.mbox"),
                    "message_id": "<20250303180510.a91f03@doe-law.example>"})
                check("analyze by message-id in an mbox", not is_error(by_id) and
                      (structured(by_id) or {}).get("message_id") == "20250303180510.a91f03@doe-law.example",
                      by_id.content)

                # summary: identical rows and totals to the CLI on the same store.
                summary = await session.call_tool("get_time_tracking_summary", {"group_by": "matter"})
                code, summary_json, _ = cli(billable, "summary", "--db", db, "--by", "matter", "--format", "json")
                check("summary matches the CLI", structured(summary) == json.loads(summary_json),
                      f"{structured(summary)} vs {summary_json}")
                filtered = await session.call_tool("get_time_tracking_summary", {
                    "group_by": "day", "from": "2025-03-04", "to": "2025-03-06", "client": "ACME"})
                rows = (structured(filtered) or {}).get("rows", [])
                check("summary filters by date and client", rows and all("2025-03-04" <= r["day"] <= "2025-03-06" for r in rows),
                      rows)

                # configure: get, set (comments kept), and an invalid set that changes nothing.
                got = await session.call_tool("configure_time_tracking", {"get": "billing.increment_minutes"})
                check("configure get", (structured(got) or {}).get("value") == "6", got.content)
                changed = await session.call_tool("configure_time_tracking", {"changes": {"client.ACME.rate": "400"}})
                check("configure set", not is_error(changed) and "400" in open(config).read(), changed.content)
                code, value, _ = cli(billable, "config", "get", "--config", config, "client.ACME.rate")
                check("the CLI sees the change", value.strip() == "400.0", value)
                bad = await session.call_tool("configure_time_tracking", {"changes": {"billing.rounding": "\"down\""}})
                check("an invalid change is a tool error", is_error(bad) and "rounding" in bad.content[0].text, bad.content)
                check("an invalid change writes nothing", "down" not in open(config).read())

                # Bad inputs are tool errors, and the server keeps serving.
                for name, arguments, words in [
                    ("analyze_time_entry", {"path": os.path.join(sample, "no-such.eml")}, "no such"),
                    ("get_time_tracking_summary", {"from": "March 1st"}, "date"),
                    ("analyze_time_entry", {"path": "/etc/passwd"}, "outside"),
                    ("scan_billable_time", {"paths": [os.path.join(root, "fixtures", "mime")]}, "outside"),
                    ("configure_time_tracking", {"get": "billing.no_such_key"}, "no_such_key"),
                    ("no_such_tool", {}, "unknown tool"),
                ]:
                    result = await session.call_tool(name, arguments)
                    text = result.content[0].text if result.content else ""
                    check(f"{name} {arguments} is a tool error", is_error(result) and words in text, text)
                # A link inside an allowed folder that leads out is not followed by the scan.
                linked = os.path.join(work, "linked")
                os.makedirs(linked)
                shutil.copy(os.path.join(sample, "eml", os.listdir(os.path.join(sample, "eml"))[0]), linked)
                os.symlink(os.path.join(root, "fixtures", "mime"), os.path.join(linked, "escape"))
                escaped = await session.call_tool("scan_billable_time", {"paths": [linked]})
                errors = open(os.path.join(out, "errors.csv")).read()
                messages = open(os.path.join(out, "messages.csv")).read()
                check("a link leading out of --allow is reported, not read",
                      not is_error(escaped) and "escape" in errors and "outside" in errors
                      and os.path.join(linked, "escape") not in messages, errors)
                again = await session.call_tool("get_time_tracking_summary", {"group_by": "client"})
                check("the server still serves after errors", not is_error(again), again.content)
        # A client that writes its calls and closes its end at once still gets every answer.
        eml = os.path.join(sample, "eml", sorted(os.listdir(os.path.join(sample, "eml")))[0])
        requests = [{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-03-26", "capabilities": {}, "clientInfo": {"name": "pipe", "version": "1"}}}]
        requests += [{"jsonrpc": "2.0", "id": n, "method": "tools/call",
                      "params": {"name": "analyze_time_entry", "arguments": {"path": eml}}} for n in range(2, 8)]
        piped = subprocess.run([billable, "mcp", "--config", config, "--db", db, "--out", out, "--allow", sample],
                               input="".join(json.dumps(r) + "\n" for r in requests), capture_output=True, text=True)
        answered = sorted(json.loads(line)["id"] for line in piped.stdout.splitlines() if line.strip())
        check("every call is answered when stdin closes right after them", answered == list(range(1, 8)), answered)
    print(f"mcp: {results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]))))
