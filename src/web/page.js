// Behaviours of Tollgate's own pages, served as /static/page.js: the Content-Security-Policy allows
// no inline script, so pages ask for them with data attributes instead.
//   <button data-copy="element-id">  copies that element's text to the clipboard
//   <div data-refresh-after="3">     reloads the page after that many seconds
//   <button data-print>              opens the browser's print dialog (receipts)
for (const button of document.querySelectorAll('[data-copy]')) {
  button.addEventListener('click', () => {
    const text = document.getElementById(button.dataset.copy)?.textContent?.trim() ?? ''
    navigator.clipboard.writeText(text).then(() => {
      button.textContent = 'Copied'
    })
  })
}
const refresh = document.querySelector('[data-refresh-after]')
if (refresh) setTimeout(() => window.location.reload(), Number(refresh.dataset.refreshAfter) * 1000)
for (const button of document.querySelectorAll('[data-print]')) {
  button.addEventListener('click', () => window.print())
}
