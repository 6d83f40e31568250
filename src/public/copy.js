/* global document, navigator, setTimeout */
// Copy buttons beside every value marked data-copy (its text is what the button's label names). Progressive
// enhancement: without this script, or in a browser without the asynchronous Clipboard API (browsers give it to
// secure contexts only: https and localhost), the page shows the same values as plain text and no dead buttons.
'use strict'
;(function addCopyButtons () {
  if (navigator.clipboard === undefined || typeof navigator.clipboard.writeText !== 'function') return
  const status = document.createElement('p')
  status.className = 'visually-hidden'
  status.setAttribute('aria-live', 'polite')
  document.body.append(status)
  for (const value of document.querySelectorAll('[data-copy]')) {
    const what = value.dataset.copy
    const button = document.createElement('button')
    button.type = 'button'
    button.className = 'copy'
    button.textContent = 'Copy'
    button.setAttribute('aria-label', `Copy ${what}`)
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(value.textContent)
        button.textContent = 'Copied'
        status.textContent = `Copied ${what}: ${value.textContent}`
      } catch {
        button.textContent = 'Not copied'
        status.textContent = `Could not copy ${what}; select it and copy it by hand.`
      }
      setTimeout(() => { button.textContent = 'Copy' }, 2000)
    })
    value.after(button)
  }
})()
