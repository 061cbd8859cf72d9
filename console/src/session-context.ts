import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Api } from "./api.js";
import type { KeyInfo, Scope } from "./api-types.js";

export interface Session {
  api: Api;
  key: KeyInfo;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("The console is not signed in.");
  return session;
}

/** Whether the signed-in key has this scope (admin implies the others, as the API says). */
export const useCan = (scope: Scope) => useSession().key.scopes.includes(scope);
