import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api';
import type { ChatAnswer } from '../types';

interface SpeechRecognitionLike {
  lang: string;
  interimResults: boolean;
  onresult: ((e: { results: ArrayLike<ArrayLike<{ transcript: string }>> }) => void) | null;
  onend: (() => void) | null;
  start(): void;
}
type RecognitionConstructor = new () => SpeechRecognitionLike;

/** The browser's speech recognition where it has one (Chrome prefixes it); text always works. */
function recognitionConstructor(): RecognitionConstructor | undefined {
  const w = window as unknown as {
    SpeechRecognition?: RecognitionConstructor;
    webkitSpeechRecognition?: RecognitionConstructor;
  };
  return w.SpeechRecognition ?? w.webkitSpeechRecognition;
}

/** One string, not template text: htm drops whitespace between lines, which would glue words together. */
const describeIntent = (a: ChatAnswer) =>
  `intent ${a.intent}${Object.keys(a.entities).length ? ` · ${JSON.stringify(a.entities)}` : ''}${a.understoodAs ? ` · understood as "${a.understoodAs}"` : ''}`;

interface Exchange {
  said: string;
  answer?: ChatAnswer;
  error?: string;
}

/** Plain-language requests to cloud-medic, typed or spoken; replies can be read aloud. */
export function ChatPanel() {
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState('');
  const [log, setLog] = useState<Exchange[]>([]);
  const [listening, setListening] = useState(false);
  const [speak, setSpeak] = useState(false);
  const Recognition = recognitionConstructor();
  const send = async (text: string) => {
    if (!text.trim()) return;
    setMessage('');
    try {
      const answer = await api<ChatAnswer>('POST', '/chat', { message: text });
      setLog((l) => [...l, { said: text, answer }]);
      if (speak && 'speechSynthesis' in window)
        speechSynthesis.speak(new SpeechSynthesisUtterance(answer.reply));
    } catch (err) {
      setLog((l) => [...l, { said: text, error: (err as Error).message }]);
    }
  };
  const listen = () => {
    if (!Recognition) return;
    const recognition = new Recognition();
    recognition.lang = navigator.language || 'en-US';
    recognition.interimResults = false;
    recognition.onresult = (e) => void send(e.results[0]?.[0]?.transcript ?? '');
    recognition.onend = () => setListening(false);
    setListening(true);
    recognition.start();
  };
  if (!open)
    return html`<button class="chat-toggle" onClick=${() => setOpen(true)} aria-label="Open chat">
      Ask cloud-medic
    </button>`;
  return html`<aside class="chat card" aria-label="Chat">
    <div class="toolbar">
      <h2>Ask cloud-medic</h2>
      <button class="link" onClick=${() => setOpen(false)} aria-label="Close chat">×</button>
    </div>
    <ol class="exchanges" data-testid="chat-log">
      ${log.map(
        (x) =>
          html`<li>
            <div class="said">${x.said}</div>
            ${
              x.answer &&
              html`<div class="reply">
                ${x.answer.reply}
                ${x.answer.incidentId && html` <a href=${`#/incidents/${encodeURIComponent(x.answer.incidentId)}`}>open</a>`}
                ${x.answer.suggestion && html`<div class="sub"><code>${x.answer.suggestion}</code></div>`}
                ${x.answer.code && html`<pre class="diff" data-testid="generated-code">${x.answer.code.source}</pre><details><summary>Its test and checks</summary><pre class="diff">${x.answer.code.test}</pre><pre class="diff">${x.answer.code.checks}</pre></details>`}
                <div class="sub">${describeIntent(x.answer)}</div>
              </div>`
            }
            ${x.error && html`<div class="error">${x.error}</div>`}
          </li>`,
      )}
    </ol>
    <form
      onSubmit=${(e: Event) => {
        e.preventDefault();
        void send(message);
      }}
    >
      <input
        name="message"
        placeholder="what is open right now?"
        value=${message}
        onInput=${(e: Event) => setMessage((e.target as HTMLInputElement).value)}
      />
      <button type="submit">Send</button>
      ${
        Recognition &&
        html`<button type="button" onClick=${listen} disabled=${listening} aria-label="Speak">
          ${listening ? 'Listening…' : 'Speak'}
        </button>`
      }
    </form>
    ${
      'speechSynthesis' in window &&
      html`<label class="sub"
        ><input type="checkbox" checked=${speak} onChange=${() => setSpeak(!speak)} /> read replies
        aloud</label
      >`
    }
  </aside>`;
}
