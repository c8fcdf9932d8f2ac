import { chmodSync, lstatSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";

/**
 * A directory only its owner can enter: the app's PGlite data (session tokens, password hashes,
 * phone numbers), the executor's store, the generated secrets. Node only (never imported by a
 * component): it sits in common/ because the app, the scripts and the stand-ins, which share no
 * other layer, all follow this one rule:
 * - created 0700;
 * - an existing one is tightened at start: directories to 0700, files to 0600, wherever group
 *   or others had any access (PGlite had left 969 of 1,125 files 0666);
 * - one that cannot be tightened (owned by someone else) is refused with a message.
 * Files created later inside it are out of other users' reach through the 0700 directory, and
 * `npm run dev` / `npm start` also run the stack with umask 077 so they are born 0600.
 */
export function preparePrivateDir(dir: string): { tightened: number } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let tightened = 0;
  const visit = (entry: string) => {
    const stat = lstatSync(entry, { throwIfNoEntry: false });
    if (!stat || stat.isSymbolicLink()) return;
    const wanted = stat.isDirectory() ? 0o700 : 0o600;
    if ((stat.mode & 0o077) !== 0) {
      try {
        chmodSync(entry, (stat.mode & 0o700) | (wanted & 0o700));
      } catch (error) {
        throw new Error(
          `${entry} is open to other users (mode ${(stat.mode & 0o777).toString(8)}) and cannot be tightened ` +
            `(${error instanceof Error ? error.message : String(error)}); run \`chmod -R go-rwx ${dir}\` as its owner`,
        );
      }
      tightened += 1;
    }
    if (stat.isDirectory()) for (const name of readdirSync(entry)) visit(path.join(entry, name));
  };
  visit(dir);
  if (tightened > 0) {
    // Said once at start, where the operator looks (the app's logger is not up yet when the database opens).
    console.warn(`${dir}: ${tightened} entr${tightened === 1 ? "y was" : "ies were"} open to other users; tightened to owner-only (directories 0700, files 0600)`);
  }
  return { tightened };
}

/** The umask `npm run dev` / `npm start` give the stack: new files 0600, new directories 0700. */
export const PRIVATE_UMASK = 0o077;
