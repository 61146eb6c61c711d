/**
 * What a denial of AppArmor 4's newer classes says: io_uring (a ring with a kernel polling thread,
 * requests run with other credentials) and message queues (POSIX and System V). Linux 6.12 mediates
 * io_uring under a profile compiled with the 4.0 ABI; Ubuntu's kernels mediate message queues too.
 * Read as files, a queue's `open` or `getattr` said nothing true, so each class has its own signals.
 */
import type { DenialFacts } from './facts.js';
import { verb } from './facts.js';
import type { Findings, Reason, Signal } from './signals.js';
import { aKind } from './programs.js';

const benign = (weight: number, tag: string, reason: Reason): Signal => ({ side: 'benign', weight, tag, reason });
const attack = (weight: number, tag: string, reason: Reason): Signal => ({ side: 'attack', weight, tag, reason });

const WORD_SEPARATOR_RE = /[\s,]+/;
const DISCONNECTED_IPC_RE = /disconnected IPC path/i;

/** The io_uring permissions a record asks for: its mask's words, else the operation's. */
export function ioUringPerms(f: DenialFacts): string[] {
  const words = f.mask.split(WORD_SEPARATOR_RE).filter((w) => w === 'sqpoll' || w === 'override_creds');
  if (words.length) return [...new Set(words)];
  if (f.op === 'uring_sqpoll') return ['sqpoll'];
  if (f.op === 'uring_override') return ['override_creds'];
  return [];
}

/** The label whose credentials an io_uring request was to run with (`tcontext=`). */
export function ioUringTarget(f: DenialFacts): string | undefined {
  const fl = f.r.fields;
  return fl.tcontext ?? fl.peer_label ?? fl.peer;
}

export function ioUringSignals(f: DenialFacts, out: Findings): void {
  const s = out.signals;
  const known = f.info?.otherRules.find((r) => r.kind === 'io_uring' && !r.deny);
  const perms = ioUringPerms(f);
  if (perms.includes('override_creds')) {
    const target = ioUringTarget(f);
    if (target !== undefined && target === f.profile) {
      s.push(
        benign(2, 'io-uring-own-creds', () => `io_uring requests run with credentials ${f.profile} registered itself (override_creds, the same label): a ring sharing work between its own threads`),
      );
    } else {
      // a personality registered by another task: the request acts as that program
      s.push(
        attack(
          1,
          'io-uring-creds',
          () => `${f.subject} ${verb(f, 'tried to run', 'ran')} io_uring requests with the credentials of ${target ?? 'another label'} (override_creds): acting as another program`,
        ),
      );
    }
    return;
  }
  if (known) {
    s.push(benign(2, 'io-uring-known', () => `${f.profile} already uses io_uring (${known.text}): a newer version starts a kernel polling thread too`));
    return;
  }
  const kind = f.program.kind;
  // databases are io_uring's first users; a web or mail server or a document filter has little reason to
  if ((kind === 'network service' && f.role !== 'login or scheduler' && f.role !== 'database server') || kind === 'document filter') {
    s.push(
      attack(
        1,
        'io-uring',
        () => `${f.subject} ${verb(f, 'tried to start', 'started')} an io_uring polling thread in the kernel (SQPOLL): unusual for ${aKind(kind)}, and io_uring is where many kernel exploits start`,
      ),
    );
    return;
  }
  s.push(
    benign(
      2,
      'io-uring',
      () => `an io_uring ring with a kernel polling thread (SQPOLL): databases, storage engines and async runtimes (liburing, libuv) use one for fast I/O; the profile predates it`,
    ),
  );
}

export function mqueueSignals(f: DenialFacts, out: Findings): void {
  const s = out.signals;
  const fl = f.r.fields;
  const posix = fl.class !== 'sysv_mqueue' && f.op !== 'sysv_mqueue';
  const queue = posix ? `the POSIX message queue ${f.path ?? '(unnamed)'}` : `the System V message queue with key ${f.path ?? '?'}`;
  if (DISCONNECTED_IPC_RE.test(fl.info ?? '')) {
    s.push(
      benign(2, 'mqueue-disconnected', () => `a message queue outside the process's view of its IPC namespace (disconnected IPC path): one set up for a container or sandbox, which no rule names`),
    );
    return;
  }
  const known = f.info?.otherRules.find((r) => r.kind === 'mqueue' && !r.deny);
  if (known) {
    s.push(benign(2, 'mqueue-known', () => `${f.profile} already uses message queues (${known.text}): ${queue} is another one`));
    return;
  }
  if (posix && f.path === '/') {
    // the queue file system's root, not a queue: what a runtime setting up an IPC namespace touches
    s.push(benign(2, 'mqueue', () => `the root of the message-queue file system (/): a container runtime or sandbox setting up a new IPC namespace, or a program listing its queues`));
    return;
  }
  s.push(benign(2, 'mqueue', () => `${queue}: processes of one application passing messages to each other on this host`));
}
