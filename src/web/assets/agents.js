// The Agents page's range form (docs/dashboard.md#pages): typing a day means custom dates,
// so the preset follows; without this script, pick "Custom dates" to use From and To.
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  const preset = document.getElementById('preset');
  for (const id of ['from', 'to']) {
    document.getElementById(id)?.addEventListener('change', () => {
      if (preset) preset.value = 'custom';
    });
  }
});
