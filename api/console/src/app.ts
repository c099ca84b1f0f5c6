import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, session } from './api';
import { ChatPanel } from './pages/chat';
import { DashboardPage } from './pages/dashboard';
import { IncidentPage } from './pages/incident';
import { IncidentsPage } from './pages/incidents';
import { LoginPage } from './pages/login';
import { DetectorPage, MonitorsPage } from './pages/monitors';
import type { Me } from './types';

/** The route is the URL's hash (#/incidents/<id>), so the API serves one page and links still work. */
function useRoute(): string {
  const [route, setRoute] = useState(location.hash.slice(1) || '/incidents');
  useEffect(() => {
    const changed = () => setRoute(location.hash.slice(1) || '/incidents');
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export function App() {
  const route = useRoute();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    if (!session.token()) return setMe(null);
    api<Me>('GET', '/me').then(setMe, () => {
      session.clear();
      setMe(null);
    });
  }, []);
  if (me === undefined) return html`<p class="loading">Loading…</p>`;
  if (me === null) return html`<${LoginPage} onLogin=${setMe} />`;
  const logout = () => {
    session.clear();
    setMe(null);
  };
  const incident = /^\/incidents\/(.+)$/.exec(route);
  const detector = /^\/monitors\/([^/]+)\/([^/]+)(?:\/(latency|network|egress|requests))?$/.exec(route);
  const page = incident
    ? html`<${IncidentPage} id=${decodeURIComponent(incident[1])} me=${me} />`
    : detector
      ? html`<${DetectorPage}
          fleet=${decodeURIComponent(detector[1])}
          instanceId=${decodeURIComponent(detector[2])}
          metric=${detector[3] ?? 'cpu'}
        />`
      : route === '/monitors'
        ? html`<${MonitorsPage} />`
        : route === '/dashboard'
          ? html`<${DashboardPage} />`
          : html`<${IncidentsPage} me=${me} />`;
  const tab = (href: string, label: string, active: boolean) =>
    html`<a href=${href} class=${active ? 'active' : ''}>${label}</a>`;
  return html`
    <header>
      <strong class="brand">cloud-medic</strong>
      <nav>
        ${tab('#/incidents', 'Incidents', route.startsWith('/incidents'))}
        ${tab('#/monitors', 'Monitors', route.startsWith('/monitors'))}
        ${tab('#/dashboard', 'Dashboard', route === '/dashboard')}
      </nav>
      <span class="who" data-testid="who">${me.name} · ${me.role}</span>
      <button class="link" onClick=${logout}>Log out</button>
    </header>
    <main>${page}</main>
    <${ChatPanel} />
  `;
}
