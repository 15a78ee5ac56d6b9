/** The signed-in customer's list of members pages: the ones they may open, and the rest with a way in. */
export type MembersPageItem = { path: string; title: string; featureName: string; open: boolean }

export function MembersIndex({ items }: { items: MembersPageItem[] }) {
  const open = items.filter((i) => i.open)
  const closed = items.filter((i) => !i.open)
  return (
    <section class="card" data-members-index>
      <h1>Members pages</h1>
      {open.length > 0 ? (
        <ul>
          {open.map((i) => (
            <li data-member-link={i.path}>
              <a href={i.path}>{i.title}</a>
            </li>
          ))}
        </ul>
      ) : (
        <p>Your purchases and plans do not include any members pages yet.</p>
      )}
      {closed.length > 0 ? (
        <>
          <h2>Not included in your access</h2>
          <ul>
            {closed.map((i) => (
              <li data-member-closed={i.path}>
                {i.title} — comes with {i.featureName}. <a href="/pricing">See plans</a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  )
}
