// The query page: YASGUI when setup.sh installed it (served from /static/yasgui/),
// otherwise a plain editor that renders the SPARQL JSON answer as a table.
(function () {
  "use strict";
  const endpoint = new URL("/sparql", window.location.href).href;
  // YASQE autocompleters that need no other server.
  const LOCAL_COMPLETERS = ["prefixes", "variables"];
  let examples = {};
  let yasgui = null;
  const plain = document.getElementById("plain");
  const textarea = document.getElementById("query");
  const status = document.getElementById("status");
  const results = document.getElementById("results");

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri" && term.value.startsWith("https://w3id.org/iusgraph/")) {
      const a = document.createElement("a");
      a.href = "/" + term.value.slice("https://w3id.org/iusgraph/".length);
      a.textContent = term.value;
      td.appendChild(a);
    } else {
      td.textContent = term.value;
    }
    return td;
  }

  async function runPlain() {
    status.textContent = "running…";
    results.textContent = "";
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json" },
      body: new URLSearchParams({ query: textarea.value }),
    });
    if (!response.ok) {
      status.textContent = "error " + response.status;
      const pre = document.createElement("pre");
      pre.className = "error";
      pre.textContent = await response.text();
      results.appendChild(pre);
      return;
    }
    const data = await response.json();
    if (data.boolean !== undefined) {
      status.textContent = String(data.boolean);
      return;
    }
    const vars = data.head.vars;
    const table = document.createElement("table");
    table.className = "results";
    const head = table.createTHead().insertRow();
    vars.forEach(function (v) {
      const th = document.createElement("th");
      th.textContent = v;
      head.appendChild(th);
    });
    const body = table.createTBody();
    data.results.bindings.forEach(function (row) {
      const tr = body.insertRow();
      vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
    });
    results.appendChild(table);
    status.textContent = data.results.bindings.length + " rows";
  }

  function show(name) {
    const text = examples[name];
    if (yasgui) {
      const tab = yasgui.getTab();
      tab.setQuery(text);
      tab.getYasqe().query();
    } else {
      textarea.value = text;
      runPlain();
    }
  }

  fetch("/examples.json").then(function (r) { return r.json(); }).then(function (list) {
    list.forEach(function (q) { examples[q.name] = q.query; });
    if (window.Yasgui) {
      const defaults = window.Yasgui.Yasqe && window.Yasgui.Yasqe.defaults;
      if (defaults) {  // every tab, including the ones opened later
        defaults.autocompleters = LOCAL_COMPLETERS.slice();
      }
      yasgui = new window.Yasgui(document.getElementById("yasgui"), {
        requestConfig: { endpoint: endpoint, method: "POST" },
        copyEndpointOnNewTab: false,
        persistenceId: null,
        endpointCatalogueOptions: { getData: function () { return []; } },
        // Only the completers that stay in the page: the class and property ones send
        // what is typed to lov.linkeddata.es (prefix.cc is already off in this build).
        yasqe: { autocompleters: LOCAL_COMPLETERS.slice() },
      });
      // And should a configuration merge have kept others, switch them off.
      const yasqe = yasgui.getTab().getYasqe();
      Object.keys(yasqe.autocompleters || {}).forEach(function (name) {
        if (LOCAL_COMPLETERS.indexOf(name) < 0) yasqe.disableCompleter(name);
      });
      yasgui.getTab().setQuery(list[0].query);
    } else {
      plain.hidden = false;
      document.getElementById("run").addEventListener("click", runPlain);
    }
    document.querySelectorAll("button.example").forEach(function (button) {
      button.addEventListener("click", function () { show(button.dataset.name); });
    });
    document.body.dataset.ready = "true";
  });
})();
