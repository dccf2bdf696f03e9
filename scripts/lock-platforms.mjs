#!/usr/bin/env node
/**
 * npm run lock: `npm install`, then complete package-lock.json with the
 * platform-specific optional packages (esbuild, rollup, biome, duckdb, ...)
 * for other operating systems and CPUs.
 *
 * Why: the package registry reachable here serves no versions of those
 * packages for other platforms, so `npm install` leaves them out of the lock,
 * and `npm ci` then refuses the lock as out of sync ("Missing: ... from lock
 * file"). Each missing package gets a lock entry marked optional, with the
 * os/cpu read from its name, so npm ci skips it on this platform just as it
 * would with a complete lock. See docs/decisions/006-lockfile-platform-packages.md.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

if (!process.argv.includes('--no-install')) {
  const r = spawnSync('npm', ['install'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const lockPath = 'package-lock.json';
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const oses = [
  'aix',
  'android',
  'darwin',
  'freebsd',
  'linux',
  'netbsd',
  'openbsd',
  'openharmony',
  'sunos',
  'win32',
  'cygwin',
];
const cpus = ['arm64', 'arm', 'x64', 'ia32', 'loong64', 'mips64el', 'ppc64', 'riscv64', 's390x', 'wasm32'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os =
    parts.find((p) => oses.includes(p)) ??
    (parts.includes('win') ? 'win32' : parts.includes('macos') ? 'darwin' : undefined);
  const cpu =
    parts.find((p) => cpus.includes(p)) ??
    parts.map((p) => p.replace(/(gnu|musl|msvc|eabihf|eabi)$/, '')).find((p) => cpus.includes(p));
  return { os, cpu };
}

let added = 0;
for (const [location, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const parent = location === '' ? '' : `${location}/`;
    const candidates = [`${parent}node_modules/${dep}`, `node_modules/${dep}`];
    if (candidates.some((c) => lock.packages[c])) continue;
    const { os, cpu } = platformOf(dep);
    if (!os && !cpu) continue; // not a platform package: leave it to npm
    lock.packages[candidates[1]] = {
      version: String(version).replace(/^[\^~=]/, ''),
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...(os ? { os: [os] } : {}),
      ...(cpu ? { cpu: [cpu] } : {}),
    };
    added++;
  }
}
const sorted = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
lock.packages = sorted;
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.error(`package-lock.json: added ${added} platform packages for other systems`);
