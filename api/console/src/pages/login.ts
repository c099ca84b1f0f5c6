import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, ApiFailure, session } from '../api';
import type { Me } from '../types';

/** Log in with an API token (`medic tokens create <name> --role viewer|operator|approver|admin`). */
export function LoginPage({ onLogin }: { onLogin: (me: Me) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const me = await api<Me>('GET', '/me', undefined, token.trim());
      session.save(token.trim());
      onLogin(me);
    } catch (err) {
      setError(
        err instanceof ApiFailure && err.status === 401 ? 'That token is not valid.' : (err as Error).message,
      );
    }
  };
  return html`<form class="login card" onSubmit=${submit}>
    <h1>cloud-medic</h1>
    <p>Self-healing for your cloud. Log in with an API token.</p>
    <label
      >API token
      <input
        name="token"
        type="password"
        autocomplete="off"
        value=${token}
        onInput=${(e: Event) => setToken((e.target as HTMLInputElement).value)}
    /></label>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <button type="submit" disabled=${token.trim() === ''}>Log in</button>
    <p class="hint">Create one with <code>medic tokens create alice --role approver</code>.</p>
  </form>`;
}
