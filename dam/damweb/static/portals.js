// The portal settings page: the preview of the visitor page follows the
// title and description as they are typed (the page works without this;
// saving updates the preview in any case).
for (const field of document.querySelectorAll('[data-preview]')) {
  const target = document.querySelector(`[data-preview-of="${field.dataset.preview}"]`);
  if (!target) continue;
  field.addEventListener('input', () => { target.textContent = field.value; });
}
