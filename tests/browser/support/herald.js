// A standalone Herald the suite starts itself (HERALD_COMMAND, which the .NET test builds), so that a test can stop
// it and start it again on the same address, as an operator's restart does. Stopped by its PID, never by name.
import { spawn } from "node:child_process";

const TIMEOUT = 20_000;

/** The command the .NET test passed, or null when this suite was not given one. */
export function heraldCommand() {
  return JSON.parse(process.env.HERALD_COMMAND ?? "null");
}

/** Starts `command` and resolves once `url`'s /readyz answers 200. */
export async function startHerald(command, url) {
  const [file, ...args] = command;
  const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"] });
  // Kept for the error when it does not start (an address in use, say); read all along so that it never blocks.
  let output = "";
  for (const stream of [child.stdout, child.stderr]) stream.on("data", (chunk) => (output = (output + chunk).slice(-4000)));
  const deadline = Date.now() + TIMEOUT;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Herald exited with ${child.exitCode} before it was ready:\n${output}`);
    try {
      if ((await fetch(new URL("readyz", url))).ok) return child;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`Herald was not ready at ${url} within ${TIMEOUT} ms`);
}

/** SIGTERM (Herald's two-phase shutdown), SIGKILL if it has not exited within the timeout. */
export async function stopHerald(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT);
  await exited;
  clearTimeout(timer);
}
