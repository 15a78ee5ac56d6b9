/**
 * The benchmark's store: a catalog like the demo one (three currencies, a members-only page, a
 * subscription) plus an archive of `sizeMb` MB for the download rows, written into `dir`.
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'

export const ARCHIVE_FILE_ID = 'bench-archive'
export const ONE_TIME_PRICE = 'field-guide'

export function writeBenchCatalog(dir, sizeMb) {
  const archive = join(dir, 'archive.bin')
  const chunk = Buffer.alloc(1024 * 1024, 7)
  const fd = openSync(archive, 'w')
  for (let i = 0; i < sizeMb; i++) writeSync(fd, chunk)
  closeSync(fd)
  const pdf = join(dir, 'guide.pdf')
  writeFileSync(pdf, '%PDF-1.4\n% benchmark placeholder\n')
  const path = join(dir, 'catalog.yaml')
  writeFileSync(
    path,
    `features:
  - key: premium
    name: Premium articles
products:
  - id: field-guide
    name: The Tollgate Field Guide
    description: A practical PDF guide to selling digital goods. Yours forever.
    files:
      - { id: field-guide-pdf, title: The Field Guide (PDF), path: guide.pdf, contentType: application/pdf }
  - id: workshop-notes
    name: Workshop Notes
    description: Notes from the pricing workshop, with 30 days of access.
    access: { days: 30 }
    files:
      - { id: workshop-notes-pdf, title: Workshop Notes (PDF), path: guide.pdf, contentType: application/pdf }
  - id: tokyo-edition
    name: Tokyo Edition
    description: The Japanese market chapter, priced in yen.
    files:
      - { id: tokyo-edition-pdf, title: Tokyo Edition (PDF), path: guide.pdf, contentType: application/pdf }
  - id: berlin-edition
    name: Berlin Edition
    description: The chapter on selling in Europe, priced in euros.
    files:
      - { id: berlin-edition-pdf, title: Berlin Edition (PDF), path: guide.pdf, contentType: application/pdf }
  - id: archive
    name: The Complete Archive
    description: Every issue in one ${sizeMb} MB download.
    files:
      - { id: ${ARCHIVE_FILE_ID}, title: The Complete Archive, path: archive.bin, contentType: application/octet-stream }
  - id: membership
    name: Tollgate Membership
    description: Premium articles, new every month.
    features: [premium]
prices:
  - { lookupKey: ${ONE_TIME_PRICE}, product: field-guide, currency: usd, amount: "19.00" }
  - { lookupKey: workshop-notes, product: workshop-notes, currency: usd, amount: 900 }
  - { lookupKey: tokyo-edition-jpy, product: tokyo-edition, currency: jpy, amount: "1500" }
  - { lookupKey: berlin-edition-eur, product: berlin-edition, currency: eur, amount: "12.00" }
  - { lookupKey: archive, product: archive, currency: usd, amount: "49.00" }
  - { lookupKey: membership-monthly, product: membership, currency: usd, amount: "8.00", recurring: { interval: month }, family: membership }
  - { lookupKey: membership-yearly, product: membership, currency: usd, amount: "80.00", recurring: { interval: year }, family: membership }
pages:
  - path: /premium
    title: Premium articles
    feature: premium
    markdown: |
      # Premium articles

      Welcome, member. This page is visible only while your membership grants **premium**.

      ## This month: pricing without regret

      1. Charge for outcomes, not hours.
      2. Offer a yearly plan with a real discount.
      3. Make cancelling as easy as subscribing.
`,
  )
  return { path, archive }
}
