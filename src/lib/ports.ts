import { createServer } from 'node:net'

/** The first port from `start` that nothing listens on (127.0.0.1), trying `tries` ports. */
export async function findFreePort(start: number, tries = 50): Promise<number> {
  for (let port = start; port < start + tries; port++) {
    if (await isFree(port)) return port
  }
  throw new Error(`No free port in ${start}–${start + tries - 1}`)
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}
