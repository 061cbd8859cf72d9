// Users → Synchronize Users to Contacts: sends the users batch by batch through admin-ajax,
// starts the sync, shows its progress, then the summary the server rendered.
(() => {
  const settings = window.civilinkSync;
  const form = document.getElementById("civilink-sync-form");
  const status = document.getElementById("civilink-sync-status");
  const step = document.getElementById("civilink-sync-step");
  const progress = document.getElementById("civilink-sync-progress");
  const result = document.getElementById("civilink-sync-result");
  if (!settings || !form || !status || !step || !progress || !result) return;
  const nonce = form.querySelector('input[name="_wpnonce"]').value;
  const button = form.querySelector('[type="submit"]');

  const format = (template, first, second) =>
    template.replace("%1$d", String(first)).replace("%2$d", String(second));

  const show = (text, value, max) => {
    status.hidden = false;
    step.textContent = text;
    progress.max = Math.max(1, max);
    progress.value = value;
  };

  const call = async (action, fields) => {
    const body = new URLSearchParams(fields);
    body.set("action", action);
    body.set("_ajax_nonce", nonce);
    const response = await fetch(settings.ajaxUrl, {
      method: "POST",
      credentials: "same-origin",
      body,
    });
    const answer = await response.json().catch(() => null);
    if (!answer?.success) {
      throw new Error(answer?.data?.message ?? `${response.status} ${response.statusText}`);
    }
    return answer.data;
  };

  const sendUsers = async (total) => {
    let after = 0;
    let sent = 0;
    for (;;) {
      show(format(settings.sending, sent, Math.max(sent, total)), sent, Math.max(sent, total));
      const batch = await call("civilink_sync_import", { after: String(after) });
      sent += batch.sent;
      after = batch.lastId;
      if (batch.done) return sent;
    }
  };

  const follow = async (first) => {
    let job = first;
    for (;;) {
      show(format(settings.syncing, job.processed, job.total), job.processed, job.total);
      if (job.status !== "running") break;
      await new Promise((resolve) => window.setTimeout(resolve, 1000));
      job = await call("civilink_sync_status", { job: job.id });
    }
    result.innerHTML = job.html;
    status.hidden = true;
    button.disabled = false;
    const url = new URL(window.location.href);
    url.searchParams.set("job", job.id);
    window.history.replaceState(null, "", url.toString());
  };

  const fail = (error) => {
    status.hidden = true;
    button.disabled = false;
    const notice = document.createElement("div");
    notice.className = "notice notice-error";
    const line = document.createElement("p");
    line.textContent = `${settings.failed} ${error.message}`;
    notice.appendChild(line);
    result.replaceChildren(notice);
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    button.disabled = true;
    result.replaceChildren();
    const dryRun = form.querySelector('input[name="dry_run"]').checked ? "1" : "0";
    sendUsers(Number(form.dataset.users) || 0)
      .then(() => call("civilink_sync_start", { dry_run: dryRun }))
      .then(follow)
      .catch(fail);
  });

  if (status.dataset.job) {
    button.disabled = true;
    call("civilink_sync_status", { job: status.dataset.job }).then(follow).catch(fail);
  }
})();
