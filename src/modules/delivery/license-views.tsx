/** The licence keys section of the library: each key, whether it is valid now and until when. */
import type { LicenseView } from '../licenses/index.js'

const STATUS_WORDS: Record<LicenseView['status'], string> = {
  granted: 'Valid',
  expired: 'Expired',
  revoked: 'Revoked',
}

export function LicenseKeys({ licenses }: { licenses: LicenseView[] }) {
  if (licenses.length === 0) return null
  return (
    <section data-licenses>
      <h2>Licence keys</h2>
      <table>
        <tbody>
          {licenses.map((l) => (
            <tr data-license-id={l.id} data-license-status={l.status}>
              <td>
                <strong>{l.name}</strong>
                <br />
                {l.key ? (
                  <code data-license-key style="word-break:break-all">
                    {l.key}
                  </code>
                ) : (
                  <span class="muted">This key can no longer be shown; contact the shop.</span>
                )}
              </td>
              <td>
                {STATUS_WORDS[l.status]}
                {l.status === 'granted' && l.expiresAt
                  ? ` until ${l.expiresAt.toISOString().slice(0, 10)}`
                  : ''}
                {l.activationLimit !== null ? (
                  <span class="muted">
                    {' '}
                    · {l.activations} of {l.activationLimit} devices
                  </span>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
