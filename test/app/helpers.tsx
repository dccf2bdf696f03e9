/** Renders route modules inside a Remix stub in jsdom, with their real loaders and a real database. */
import { createRemixStub } from '@remix-run/testing';
import { act, type ComponentType } from 'react';
import { createRoot } from 'react-dom/client';
import { type Packed, unpack } from '../../app/shared/packed.ts';

type Module = { default: ComponentType; loader?: unknown; action?: unknown; ErrorBoundary?: ComponentType };

export async function renderRoute(path: string, module: Module, url: string) {
  const Stub = createRemixStub([
    {
      path,
      Component: module.default,
      ErrorBoundary: module.ErrorBoundary,
      loader: module.loader as never,
      action: module.action as never,
    },
  ]);
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  await act(async () => {
    root.render(<Stub initialEntries={[url]} />);
  });
  return { container, unmount: () => act(() => root.unmount()) };
}

/** Waits until the text appears (loaders are async), or fails with what the page shows. */
export async function waitForText(container: HTMLElement, text: string | RegExp, timeoutMs = 20_000) {
  const start = Date.now();
  for (;;) {
    const content = container.textContent ?? '';
    if (typeof text === 'string' ? content.includes(text) : text.test(content)) return content;
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out waiting for ${text}; page shows: ${content.slice(0, 500)}`);
    await act(() => new Promise((r) => setTimeout(r, 50)));
  }
}

/** Calls a loader directly and returns its data, or the Response it threw. */
export async function callLoader<T>(
  loader: (args: never) => Promise<T>,
  url: string,
  params: Record<string, string> = {},
) {
  const request = new Request(`http://localhost${url}`);
  try {
    const result = await loader({ request, params, context: {} } as never);
    // Cached page loaders wrap their packed answer with its headers (Remix's data()); tests read the answer.
    const wrapped =
      result && typeof result === 'object' && 'type' in result && result.type === 'DataWithResponseInit'
        ? (result as unknown as { data: unknown }).data
        : result;
    const unwrapped = (
      wrapped && typeof wrapped === 'object' && typeof (wrapped as Packed<unknown>).json === 'string'
        ? unpack(wrapped as Packed<unknown>)
        : wrapped
    ) as T extends { data: Packed<infer D>; init: unknown } ? D : T extends { data: infer D; init: unknown } ? D : T;
    return { data: unwrapped, thrown: null as Response | null };
  } catch (err) {
    if (err instanceof Response) return { data: null, thrown: err };
    throw err;
  }
}
