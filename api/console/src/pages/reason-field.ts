import { html } from 'htm/preact';

/** The free-text reason a decision carries into the audit log and the incident's timeline. */
export function ReasonField({
  name,
  label,
  value,
  onChange,
}: {
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return html`<label
    >${label}
    <textarea
      name=${name}
      rows="2"
      value=${value}
      onInput=${(e: Event) => onChange((e.target as HTMLTextAreaElement).value)}
    ></textarea>
  </label>`;
}
