/** The popup: asks the background for the view, renders it, and sends the user's clicks back as PopupMessages. */
import type { ExtensionView, MessageReply, PopupMessage } from '@perch/shared';
import { browser } from 'wxt/browser';
import { sendPopupMessage } from '../../utils/messaging';
import { presentView, type PopupAction } from '../../utils/popup-view';
import { xLoginUrl } from '../../utils/x-cookies';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const state = $('state');
const title = $('state-title');
const sentence = $('state-sentence');
const actionButton = $<HTMLButtonElement>('action');
const errorLine = $('error');
const form = $<HTMLFormElement>('pair-form');
const serverInput = $<HTMLInputElement>('server-url');
const codeInput = $<HTMLInputElement>('pair-code');
const submit = $<HTMLButtonElement>('pair-submit');
const footer = $('footer');
const serverOrigin = $('server-origin');
const unpairButton = $<HTMLButtonElement>('unpair');

let currentAction: PopupAction | null = null;

function render(view: ExtensionView): void {
  const p = presentView(view);
  state.className = `state tone-${p.tone}`;
  title.textContent = p.title;
  sentence.textContent = p.sentence;
  currentAction = p.action;
  actionButton.hidden = !p.action;
  actionButton.disabled = false;
  actionButton.textContent = p.action?.label ?? '';
  showError(p.error);
  form.hidden = !p.showPairForm;
  if (p.showPairForm && !serverInput.value && view.serverUrl) serverInput.value = view.serverUrl;
  footer.hidden = !view.paired;
  serverOrigin.textContent = view.serverUrl ?? '';
}

function showError(text: string | null | undefined): void {
  errorLine.hidden = !text;
  errorLine.textContent = text ?? '';
}

async function send(message: PopupMessage): Promise<MessageReply> {
  try {
    const reply = await sendPopupMessage(browser.runtime, message);
    if (reply.view) render(reply.view);
    if (!reply.ok) showError(reply.error ?? 'Something went wrong.');
    return reply;
  } catch (error) {
    showError(
      `The Perch background worker did not answer (${error instanceof Error ? error.message : error}).`,
    );
    return { ok: false };
  }
}

actionButton.addEventListener('click', async () => {
  if (currentAction?.kind === 'sign_in_to_x') {
    await browser.tabs.create({ url: xLoginUrl });
    window.close();
    return;
  }
  actionButton.disabled = true;
  await send({ type: 'popup.refresh' });
  actionButton.disabled = false;
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  submit.disabled = true;
  const reply = await send({
    type: 'popup.pair',
    serverUrl: serverInput.value.trim(),
    code: codeInput.value.trim(),
  });
  submit.disabled = false;
  if (reply.ok) codeInput.value = '';
});

unpairButton.addEventListener('click', () => void send({ type: 'popup.unpair' }));

void send({ type: 'popup.getView' });
