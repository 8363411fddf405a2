import { accessSync, constants, statSync } from 'node:fs';
import { userInfo } from 'node:os';

/** Shells that refuse a login on purpose: a service account's, which the agent often runs as. */
const NO_LOGIN = /(^|\/)(nologin|false)$/;

/** Whether `path` is an absolute path to an executable file that is a usable shell. */
function usableShell(path: string | null | undefined): path is string {
  if (!path?.startsWith('/') || NO_LOGIN.test(path)) return false;
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The shell a terminal runs and where it starts. */
export interface LoginShell {
  path: string;
  home: string;
}

/**
 * The agent's user's shell: $SHELL, else the user's entry in the password database, else
 * /bin/sh (a service account whose shell is nologin still gets a terminal: the server decided
 * who may have one).
 */
export function loginShell(env: NodeJS.ProcessEnv = process.env): LoginShell {
  let passwd: { shell: string | null; homedir: string } | null = null;
  try {
    passwd = userInfo();
  } catch {
    passwd = null; // no entry for this uid (a container's made-up user)
  }
  const path = [env.SHELL, passwd?.shell].find(usableShell) ?? '/bin/sh';
  const home = [env.HOME, passwd?.homedir].find((dir) => isDirectory(dir)) ?? '/';
  return { path, home };
}

function isDirectory(path: string | null | undefined): path is string {
  try {
    return !!path && statSync(path).isDirectory();
  } catch {
    return false;
  }
}
