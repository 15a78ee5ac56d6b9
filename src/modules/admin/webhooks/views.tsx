/** The outbound webhooks page: endpoints, the add form, and the delivery log. */
import { OUTBOUND_EVENTS, type WebhookDelivery, type WebhookEndpoint } from '../../outbound-webhooks/index.js'
import { ActionForm } from '../views.js'

const time = (iso: string | null): string => (iso ? iso.slice(0, 19).replace('T', ' ') : '—')

export function WebhooksPage(props: {
  endpoints: WebhookEndpoint[]
  deliveries: WebhookDelivery[]
  secret?: string | undefined
}) {
  return (
    <>
      {props.secret ? (
        <section class="card" data-new-secret>
          <p>The endpoint's signing secret. Copy it now: it is shown only this once.</p>
          <p>
            <code data-webhook-secret>{props.secret}</code>
          </p>
        </section>
      ) : null}
      <table tabindex={0} id="webhook-endpoints">
        <thead>
          <tr>
            <th>Endpoint</th>
            <th>Events</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {props.endpoints.map((e) => (
            <tr data-endpoint-id={e.id} data-status={e.status}>
              <td>
                <code>{e.url}</code>
                <br />
                <a href={`/admin/webhooks?endpoint=${e.id}`}>{e.id}</a>
              </td>
              <td>{e.events === '*' ? 'all' : e.events.split(',').join(', ')}</td>
              <td>
                {e.status}
                {e.status === 'disabled' ? ` since ${time(e.disabled_at)}` : ''}
                {e.consecutive_failures > 0 ? ` · ${e.consecutive_failures} failed in a row` : ''}
              </td>
              <td>
                {e.status === 'enabled' ? (
                  <ActionForm action="/admin/webhooks/disable" label="Disable" fields={{ id: e.id }} />
                ) : (
                  <ActionForm action="/admin/webhooks/enable" label="Enable" fields={{ id: e.id }} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Add an endpoint</h2>
      <form method="post" action="/admin/webhooks" class="filters">
        <label>
          URL <input name="url" type="url" required placeholder="https://app.example.com/hooks" />
        </label>
        <fieldset>
          <legend>Events (none ticked = all)</legend>
          {OUTBOUND_EVENTS.map((name) => (
            <label>
              <input type="checkbox" name="events" value={name} /> {name}
            </label>
          ))}
        </fieldset>
        <button type="submit">Add endpoint</button>
      </form>
      <h2>Deliveries</h2>
      <table tabindex={0} id="webhook-deliveries">
        <thead>
          <tr>
            <th>Delivery</th>
            <th>Event</th>
            <th>Status</th>
            <th>Attempts</th>
            <th>Last answer</th>
            <th>Created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {props.deliveries.map((d) => (
            <tr data-delivery-id={d.id} data-status={d.status}>
              <td>
                <code>{d.message_id}</code>
              </td>
              <td>{d.event_type}</td>
              <td>{d.status}</td>
              <td>{d.attempts}</td>
              <td>{d.last_status ?? d.last_error ?? '—'}</td>
              <td>{time(d.created_at)}</td>
              <td>
                <ActionForm action="/admin/webhooks/redeliver" label="Send again" fields={{ id: d.id }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
