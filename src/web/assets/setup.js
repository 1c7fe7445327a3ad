// The setup page (docs/dashboard.md#sign-in): the setup link's token is in the URL
// fragment, which no browser sends to a server. Read it, drop it from the address bar
// and history, fetch the enrolment (QR code and secret) with it, and carry it in the form.
'use strict';
document.addEventListener('DOMContentLoaded', async () => {
  const form = document.getElementById('setup-form');
  const fail = (message) => {
    const box = document.getElementById('setup-error');
    box.textContent = message;
    box.hidden = false;
  };
  const token = decodeURIComponent(location.hash.slice(1));
  if (token !== '') {
    sessionStorage.setItem('tally-setup-token', token);
    history.replaceState(null, '', location.pathname);
  }
  const kept = sessionStorage.getItem('tally-setup-token');
  if (!kept) return fail('This page needs the whole setup link you were sent: open it again, or ask an admin for a new one.');
  const csrf = form.querySelector('input[name="_csrf"]').value;
  const response = await fetch(form.dataset.start, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify({ token: kept }),
    credentials: 'same-origin',
  });
  if (!response.ok) {
    sessionStorage.removeItem('tally-setup-token');
    return fail('This setup link is expired, used or wrong: ask an admin for a new one.');
  }
  const enrolment = await response.json();
  document.getElementById('setup-email').textContent = enrolment.email;
  document.getElementById('secret').textContent = enrolment.secret;
  const image = document.createElement('img');
  image.src = `data:image/svg+xml;base64,${btoa(enrolment.qrSvg)}`;
  image.alt = 'QR code of your two-factor secret';
  image.width = 200;
  image.height = 200;
  document.getElementById('qr').replaceChildren(image);
  document.getElementById('token').value = kept;
  form.hidden = false;
  document.getElementById('password').focus();
});
