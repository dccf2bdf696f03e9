/**
 * The Content-Security-Policy nonce of the current document: entry.server.tsx
 * makes one per response and provides it; the root layout gives it to Remix's
 * inline scripts. In the browser it is empty (browsers hide nonces from the DOM).
 */
import { createContext, useContext } from 'react';

export const NonceContext = createContext<string | undefined>(undefined);
export const useNonce = () => useContext(NonceContext);
