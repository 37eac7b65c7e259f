/** Usage text: the overview and one paragraph per command. */
export const OVERVIEW = `catalyst-tracing: look at the traces your AI app recorded locally.

Usage:
  catalyst-tracing trace list [--range 15m|1h|24h|7d] [--service S] [--agent ID] [--session ID]
                              [--status error|ok] [--limit N] [--json]
  catalyst-tracing trace get <traceId|prefix|last> [--view tree|timeline|json]
  catalyst-tracing span list [--trace-id ID] [--kind LLM|TOOL|AGENT|...] [--text QUERY]
                             [--sort start_time|duration|total_tokens] [--order asc|desc] [--limit N] [--json]
  catalyst-tracing span get <traceId|prefix|last> <spanId|prefix> [--view io|attributes|json]
  catalyst-tracing serve [--port 4318] [--host 127.0.0.1]
  catalyst-tracing ui [--port 6007] [--host 127.0.0.1] [--open]

Global flags:
  --dir DIR     the trace store (default: $CATALYST_TRACES_DIR, else ~/.catalyst/traces)
  --no-color    no colour (colour is only used on a terminal; NO_COLOR is honoured too)
  -h, --help    help for a command, e.g. catalyst-tracing trace get --help
  --version     the package version
`;

export const COMMAND_HELP: Record<string, string> = {
  'trace list': `Usage: catalyst-tracing trace list [flags]

Lists traces, newest first: id, start, duration, root span, agent, session,
span count, LLM calls, total tokens and status.

  --range R       only traces started in the last R: 15m, 1h, 24h, 7d (any number with s|m|h|d|w)
  --service S     only traces with a span from service S (resource service.name)
  --agent ID      only traces with an agent whose agent.id or agent.name is ID
  --session ID    only traces of session ID (session.id)
  --status S      error: only traces with a failed span; ok: only traces without one
  --limit N       at most N traces (default 20)
  --json          JSON instead of a table
`,
  'trace get': `Usage: catalyst-tracing trace get <traceId|prefix|last> [--view tree|timeline|json]

Shows one trace: a full trace id, a unique prefix of one, or 'last' (the most recent).

  --view tree       the span hierarchy with kind, name, duration, model, tokens and errors (default)
  --view timeline   a waterfall of the spans, scaled to the terminal width
  --view json       the stored spans as JSON (also --json)
`,
  'span list': `Usage: catalyst-tracing span list [flags]

Lists spans across traces.

  --trace-id ID   only spans of this trace (a full id, a prefix, or 'last')
  --kind K        only spans of this kind: LLM, TOOL, AGENT, CHAIN, RETRIEVER, EMBEDDING, ...
  --text QUERY    only spans whose name or attribute values contain QUERY (case-insensitive)
  --sort FIELD    start_time (default), duration or total_tokens
  --order O       desc (default) or asc
  --limit N       at most N spans (default 50)
  --json          the stored spans as JSON instead of a table
`,
  'span get': `Usage: catalyst-tracing span get <traceId|prefix|last> <spanId|prefix> [--view io|attributes|json]

Shows one span.

  --view io           input and output as a conversation: roles, text, tool calls and results (default)
  --view attributes   every attribute, the resource and the events
  --view json         the stored span as JSON (also --json)
`,
  serve: `Usage: catalyst-tracing serve [--port 4318] [--host 127.0.0.1]

Runs a local OTLP/HTTP receiver at /v1/traces (JSON or protobuf, optionally gzip)
that writes what it receives into the trace store, so that any OpenTelemetry
SDK, in any language, can send traces to it. Stop it with Ctrl-C.

  --port N      the port (default 4318, the OTLP/HTTP port; 0 picks a free one)
  --host H      the interface (default 127.0.0.1; 0.0.0.0 accepts other machines)

The trace viewer (see 'ui') is served at / on the same port, so spans sent here appear live.
`,
  ui: `Usage: catalyst-tracing ui [--port 6007] [--host 127.0.0.1] [--open]

Serves a web viewer over the trace store and prints its URL: traces (live),
one trace as a tree beside a waterfall with each span's conversation, sessions
and agents. Everything it needs ships in the package; it reads the store only.
Stop it with Ctrl-C.

  --port N      the port (default 6007; 0 picks a free one)
  --host H      the interface (default 127.0.0.1; anything else lets other machines read the traces)
  --open        open the viewer in the default browser
`,
};
