// The race of /race from the browser: the form's submit becomes real
// concurrent requests, one click each, instead of the server's own burst.
// Without JavaScript the form still posts /race and the server runs it.
// It starts a new race (POST /race/reset, whose cookie names the race for
// the requests after it), sends all the naive clicks at once (POST
// /race/naive), then all the atomic ones (POST /race/atomic), reads the
// result (GET /race as JSON) and shows it as the page would.
"use strict";

(function () {
  const form = document.querySelector("form.race");
  const outcome = document.getElementById("outcome");
  if (!form || !outcome || !window.fetch) {
    return;
  }
  const clicks = Number(form.dataset.clicks);
  const button = form.querySelector("button");

  function answer(r) {
    if (!r.ok) {
      throw new Error(r.url + ": " + r.status);
    }
    return r.json();
  }

  function post(path) {
    return fetch(path, {
      method: "POST",
      headers: {
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "",
    }).then(answer);
  }

  // burst sends all the clicks to path at the same moment.
  function burst(path) {
    const sent = [];
    for (let i = 0; i < clicks; i++) {
      sent.push(post(path));
    }
    return Promise.all(sent);
  }

  // el makes an element with the given attributes and children (elements
  // or text).
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      e.setAttribute(k, v);
    }
    for (const c of children) {
      e.append(c);
    }
    return e;
  }

  function box(title, id, n, sent, lostText) {
    return el("section", { class: "box" },
      el("h2", {}, title),
      el("p", { class: "count", id: id }, el("span", { class: "num" }, String(n)), " of " + sent + " counted"),
      el("p", { class: "small" }, lostText));
  }

  // show writes the result as templates/race.html does, at the address
  // that shows it again on a reload: /race, whose race the cookie names.
  function show(res) {
    history.replaceState(null, "", "/race");
    const naiveLost = res.sent - res.naive;
    const atomicLost = res.sent - res.atomic;
    outcome.replaceChildren(
      el("div", { class: "compare", id: "result" },
        box("Naive: read, +1, write", "naive", res.naive, res.sent,
          naiveLost ? naiveLost + " lost: clicks that read the same count each saved the same number." : "None lost this time: run it again."),
        box("Atomic: a transaction", "atomic", res.atomic, res.sent,
          atomicLost ? atomicLost + " lost." : "None lost.")),
      el("p", {}, "Each naive click read the count, then saved what it read plus one: clicks that read before another " +
        "had saved wrote the same number, so only one of them counted. An update in one transaction reads " +
        "and writes as one step, so Datastore applies the clicks one after the other and keeps every one."));
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    post("/race/reset")
      .then(() => burst("/race/naive"))
      .then(() => burst("/race/atomic"))
      .then(() => fetch("/race", { headers: { "Accept": "application/json" } }))
      .then(answer)
      .then(show)
      // Anything wrong: let the server run the race, as without JavaScript.
      .catch(() => form.submit())
      .finally(() => { button.disabled = false; });
  });
})();
