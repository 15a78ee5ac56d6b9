/**
 * Child processes for the benchmark: free ports, spawning a server, waiting for its first answer,
 * reading its resident memory from /proc, stopping it. Every process started here is stopped by
 * its own pid (`stopAll` on exit), never by name.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

const running = new Set()

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/**
 * Starts `command args` and resolves once GET `readyUrl` answers 2xx, with the milliseconds from
 * spawn to that first answer (the cold start). Output goes to the log unless `verbose`.
 */
export async function startServer({
  name,
  command = process.execPath,
  args,
  env,
  readyUrl,
  timeoutMs = 60_000,
}) {
  const started = performance.now()
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output = []
  const keep = (chunk) => {
    output.push(chunk.toString())
    if (output.length > 200) output.shift()
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const proc = { name, child, pid: child.pid, output, exited: false }
  running.add(proc)
  child.once('exit', () => {
    proc.exited = true
    running.delete(proc)
  })
  const deadline = started + timeoutMs
  for (;;) {
    if (proc.exited) throw new Error(`${name} exited before answering:\n${output.join('').slice(-3000)}`)
    try {
      const res = await fetch(readyUrl)
      await res.arrayBuffer()
      if (res.ok) break
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) {
      await stopServer(proc)
      throw new Error(
        `${name} did not answer ${readyUrl} within ${timeoutMs} ms:\n${output.join('').slice(-3000)}`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  proc.coldStartMs = performance.now() - started
  return proc
}

/** Resident set size of a process in MB (VmRSS), or NaN when it is gone. */
export function rssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1])
    return kb / 1024
  } catch {
    return Number.NaN
  }
}

/**
 * CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat (clock ticks
 * of 10 ms): the measure that stays comparable when other work loads the machine.
 */
export function cpuMs(pid) {
  return statCpuMs(`/proc/${pid}/stat`)
}

/**
 * CPU time of a process's main thread alone (Node's event loop, where requests are handled), in
 * ms: next to the wall time it tells a side bound by its own CPU (close to 100%) from one that waits
 * (on a database's commits, say), which the process's total, with its GC and I/O threads, hides.
 */
export function mainThreadCpuMs(pid) {
  return statCpuMs(`/proc/${pid}/task/${pid}/stat`)
}

function statCpuMs(path) {
  const stat = readFileSync(path, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after "pid (comm) ".
  return (Number(fields[11]) + Number(fields[12])) * 10
}

/** Samples a process's RSS every `everyMs` until the returned stop() gives the peak. */
export function sampleRss(pid, everyMs = 100) {
  let peak = rssMb(pid)
  const timer = setInterval(() => {
    const now = rssMb(pid)
    if (now > peak) peak = now
  }, everyMs)
  return () => {
    clearInterval(timer)
    return Math.max(peak, rssMb(pid))
  }
}

export async function stopServer(proc) {
  if (proc.exited) return
  const exited = new Promise((resolve) => proc.child.once('exit', resolve))
  proc.child.kill('SIGTERM')
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

export async function stopAll() {
  await Promise.all([...running].map(stopServer))
}

/** Runs a command to completion; rejects with its output on a non-zero exit. */
export function run(command, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (c) => {
      out += c
    })
    child.stderr.on('data', (c) => {
      out += c
    })
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${out}`)),
    )
  })
}
