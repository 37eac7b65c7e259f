import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { NotFoundView } from './components';
import { navigate } from './navigate';
import { parseRoute, sessionsHref, tracesHref, type Route } from './route';
import { AgentsView, SessionsView, SessionView } from './sessions-view';
import { TracesView } from './traces-view';
import { TraceView } from './trace-view';

/** The viewer's page: a header with the four views, and the one the URL's hash names. */
function App() {
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));
  useEffect(() => {
    const onHash = (): void => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onHash);
    // `/` searches from anywhere: on another view it opens the trace list first.
    const onKey = (e: KeyboardEvent): void => {
      const t = e.target as HTMLElement | null;
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT'))) return;
      e.preventDefault();
      const focus = (): void => document.getElementById('search')?.focus();
      if (document.getElementById('search')) focus();
      else {
        navigate(tracesHref());
        setTimeout(focus, 50);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('keydown', onKey);
    };
  }, []);
  useEffect(() => {
    document.title = `${titleOf(route)} · catalyst-tracing`;
  }, [route]);
  const tab = route.view === 'trace' ? 'traces' : route.view === 'session' ? 'sessions' : route.view;
  return (
    <>
      <header class="top">
        <a class="brand" href="#/traces">
          catalyst-tracing
        </a>
        <nav>
          <a href={tracesHref()} class={tab === 'traces' ? 'active' : ''}>
            Traces
          </a>
          <a href={sessionsHref()} class={tab === 'sessions' ? 'active' : ''}>
            Sessions
          </a>
          <a href="#/agents" class={tab === 'agents' ? 'active' : ''}>
            Agents
          </a>
        </nav>
        <span class="keys dim">↑↓ spans · / search</span>
      </header>
      <main>{view(route)}</main>
    </>
  );
}

function view(route: Route) {
  switch (route.view) {
    case 'traces':
      return <TracesView query={route.query} />;
    case 'trace':
      return <TraceView key={route.traceId} traceId={route.traceId} spanId={route.spanId} />;
    case 'sessions':
      return <SessionsView offset={route.offset} />;
    case 'session':
      return <SessionView key={route.sessionId} sessionId={route.sessionId} />;
    case 'agents':
      return <AgentsView />;
    default:
      return <NotFoundView what="Page" message={`there is no view at ${route.path}`} />;
  }
}

function titleOf(route: Route): string {
  switch (route.view) {
    case 'trace':
      return `Trace ${route.traceId.slice(0, 8)}`;
    case 'session':
      return `Session ${route.sessionId}`;
    case 'unknown':
      return 'Not found';
    default:
      return route.view[0]!.toUpperCase() + route.view.slice(1);
  }
}

render(<App />, document.getElementById('app')!);
