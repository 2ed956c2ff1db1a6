/* Descent Lab's browser-side player.
 *
 * The server sends each result once, inside the two figures. This file reads the drawn points back out of them
 * and plays them with no request per frame: every frame rewrites the SVG of the run paths and heads on the
 * contour and of the cursors and heads on the curves. Plotly's own update calls cost 20–60 ms a frame on these
 * figures; writing the few SVG attributes directly costs about one. It also turns a click on the contour into
 * the exact point under the cursor (Plotly reports the nearest grid node), and adds an SVG download button to
 * the modebar.
 */
(function () {
  "use strict";

  var lab = (window.descentLab = window.descentLab || {});
  var SECONDS_AT_1X = 8; // a whole run plays in about this long at speed ×1 …
  var MIN_STEPS_PER_SECOND = 5; // … but never slower than this, so short runs don't crawl
  var DTYPES = { f4: Float32Array, f8: Float64Array, i4: Int32Array, i2: Int16Array, u1: Uint8Array,
                 i1: Int8Array, u2: Uint16Array, u4: Uint32Array };

  var player = (lab.player = {
    steps: 0, step: 0, playing: false, speed: 1, runs: [], rows: [], expected: null, lastTime: 0, carry: 0,
    frames: 0, query: "", latest: "", page: {}, retries: 0, openedAt: null,
  });

  function noUpdate() {
    return window.dash_clientside ? window.dash_clientside.no_update : undefined;
  }

  /* A plotly typed-array spec ({dtype, bdata}) or a plain array, as a typed array. */
  function decode(value) {
    if (value && typeof value === "object" && typeof value.bdata === "string") {
      var binary = atob(value.bdata);
      var bytes = new Uint8Array(binary.length);
      for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      return new (DTYPES[value.dtype] || Float64Array)(bytes.buffer);
    }
    return Float64Array.from(value || []);
  }

  function graph(id) {
    var root = document.getElementById(id);
    var gd = root && root.querySelector(".js-plotly-plot");
    return gd && gd._fullLayout && gd.data ? gd : null;
  }

  /* Last index i with steps[i] <= step: the drawn point a run shows at a playback step. */
  function position(steps, step) {
    var low = 0, high = steps.length - 1;
    if (high < 0) return -1;
    if (step >= steps[high]) return high;
    while (low < high) {
      var mid = (low + high + 1) >> 1;
      if (steps[mid] <= step) low = mid; else high = mid - 1;
    }
    return low;
  }
  lab.position = position;

  lab.load = function (playback, contour, curves, view) {
    if (!playback || !contour || !curves || !contour.data) return noUpdate();
    var runs = [], rows = [], rowIndex = {};
    contour.data.forEach(function (trace) {
      var meta = trace.meta || {};
      if (meta.role === "path") runs[meta.run] = { x: decode(trace.x), y: decode(trace.y) };
    });
    curves.data.forEach(function (trace) {
      var meta = trace.meta || {};
      if (meta.role !== "curve") return;
      if (!(meta.row in rowIndex)) {
        rowIndex[meta.row] = rows.length;
        rows.push({ key: meta.row, values: [] });
      }
      var values = decode(trace.y);
      rows[rowIndex[meta.row]].values[meta.run] = values;
      if (runs[meta.run] && !runs[meta.run].steps) {
        // Undecimated runs send x0/dx instead of their step numbers.
        runs[meta.run].steps = trace.x ? decode(trace.x) : Int32Array.from(values, function (_, i) { return i; });
      }
    });
    player.runs = runs;
    player.rows = rows;
    player.steps = playback.steps;
    player.query = playback.query;
    player.awaiting = false;
    player.loads = (player.loads || 0) + 1;
    if (!player.dragging) player.liveRuns = null;
    window.setTimeout(flushLive, 0);
    player.page = view || player.page;
    player.expected = { contour: contour.data.length, curves: curves.data.length };
    // A link with step= (and view=) opens paused at that step (and zoomed there), once; any other fresh result
    // draws itself from the start.
    var opened = view && view.query === playback.query && player.openedAt !== view.query &&
      ((view.step !== null && view.step !== undefined) || view.zoom);
    if (contour.layout && contour.layout.uirevision !== player.uirevision) {
      player.uirevision = contour.layout.uirevision;
      player.home = { x: contour.layout.xaxis.range, y: contour.layout.yaxis.range };
      player.zoom = null;
      player.view = player.home;
      player.landscapeAsked = null;
    }
    if (opened && view.zoom) {
      player.zoom = view.zoom.slice();
      player.view = { x: view.zoom.slice(0, 2), y: view.zoom.slice(2, 4) };
      player.landscapeAsked = { box: view.zoom.slice(), view: player.uirevision };  // the page came with it
    }
    var scrub = document.getElementById("scrub");
    if (scrub) scrub.max = String(playback.steps);
    if (view && view.plot === "3d" && !player.plot3dOpened) { player.plot3dOpened = true; showPanel("3d"); }
    // A link's arrows= (a lesson's first-order model, or every run's arrows) is taken once, when it opens.
    if (view && view.query === playback.query && view.arrows && !player.arrowsOpened) {
      player.arrowsOpened = true;
      player.arrows = view.arrows;
    }
    var carried = carriedPlayback(playback.query);
    if (carried) {
      // The same experiment in another language or mode: go on where it was, playing or paused.
      player.openedAt = view && view.query;
      player.selected = carried.selected || 0;
      player.arrows = carried.arrows || player.arrows;
      if (carried.stepShown) showPanel("step");
      seek(carried.step);
      if (carried.playing) play(); else pause();
    } else if (opened && view.step !== null && view.step !== undefined) {
      player.openedAt = view.query;
      pause();
      if (!player.stepShownOnce && view.plot !== "3d") { player.stepShownOnce = true; showPanel("step"); }
      seek(view.step);
    } else {
      if (opened) player.openedAt = view.query;
      seek(0);
      play();
    }
    return playback.query;
  };

  /* The address is the state: the canonical experiment, the playback step while paused, then the page's own
   * keys (language, lesson, presentation, hidden controls). replaceState, so no history entry per change. */
  function address() {
    var query = player.latest || player.query;
    if (!query) return null;
    var view = player.page, step = "", zoom = player.zoom;
    if (query === player.query) {
      if (!player.playing) step = "&step=" + player.step;  // the step of the result on screen
    } else if (query === view.query && player.openedAt !== view.query) {
      // The link's own result is still coming: keep the step and zoom it asked for.
      if (view.step !== null && view.step !== undefined) step = "&step=" + view.step;
      zoom = view.zoom || zoom;
    }  // (an edit whose result is still coming will play from 0)
    if (zoom) step += "&view=" + zoom.join(",");
    // A lesson's key stays only while the experiment is the lesson's: its caption describes that experiment.
    var suffix = view.lessonQuery && query !== view.lessonQuery ? view.plain || "" : view.suffix || "";
    // A page key like present, but the tab can change it without a reload: the page keeps it itself.
    var plot3d = player.plot3d === undefined ? view.plot === "3d" : player.plot3d;
    if (plot3d) suffix += "&plot=3d";
    return "?" + query + step + suffix;
  }

  /* The surface and its parameters: the canonical query's part before the start point. */
  function surfaceOf(query) { return String(query).split("&start=")[0]; }

  /* Every new experiment query (an edit, or the page's first): the address follows at once, and a lesson's
   * caption says when the experiment is no longer the lesson's. */
  lab.edited = function (query, view) {
    if (!query) return noUpdate();
    // Another surface brings its own view box: the old zoom means nothing there.
    if (player.latest && surfaceOf(query) !== surfaceOf(player.latest)) player.zoom = null;
    player.awaiting = query !== player.query;
    player.latest = query;
    player.page = view || player.page;
    var caption = document.getElementById("lesson-caption");
    if (caption && player.page.lessonQuery) caption.classList.toggle("changed", query !== player.page.lessonQuery);
    writeAddress();
    return query;
  };
  function writeAddressNow() {
    window.clearTimeout(player.addressTimer);
    player.addressTimer = null;
    var wanted = address();
    if (wanted && window.location.search !== wanted) {
      window.history.replaceState(window.history.state, "", wanted + window.location.hash);
    }
  }
  // Browsers throttle replaceState (a dragged scrubber fires hundreds of times), so writes are coalesced.
  function writeAddress() {
    if (!player.addressTimer) player.addressTimer = window.setTimeout(writeAddressNow, 100);
  }

  function seek(step) {
    player.step = Math.max(0, Math.min(player.steps, Math.round(step)));
    var scrub = document.getElementById("scrub");
    if (scrub && Number(scrub.value) !== player.step) scrub.value = String(player.step);
    var readout = document.getElementById("step-readout");
    var format = (document.getElementById("player") || { dataset: {} }).dataset.stepOf || "step {step} / {steps}";
    if (readout) readout.textContent = format.replace("{step}", player.step.toLocaleString("en"))
      .replace("{steps}", player.steps.toLocaleString("en"));
    if (!player.playing) writeAddress();
    draw();
  }
  lab.seek = function (step) { pause(); seek(step); };

  function sameRange(a, b) {
    return Math.abs(a[0] - b[0]) < 1e-9 * (1 + Math.abs(b[0])) && Math.abs(a[1] - b[1]) < 1e-9 * (1 + Math.abs(b[1]));
  }

  /* The SVG groups plotly drew for each trace, by the trace's meta role (d3 keeps the trace on each group). */
  function traceGroups(gd) {
    var groups = [];
    gd.querySelectorAll(".scatterlayer .trace").forEach(function (group) {
      var cd = group.__data__, trace = cd && cd[0] && cd[0].trace;
      if (trace && trace.meta) groups.push({ group: group, trace: trace, meta: trace.meta });
    });
    return groups;
  }

  function axesOf(gd, trace) {
    var plot = gd._fullLayout._plots[(trace.xaxis || "x") + (trace.yaxis || "y")];
    return plot && { x: plot.xaxis, y: plot.yaxis };
  }

  /* An SVG path through points 0 … end−1, in the pixels of the trace's subplot; non-plottable points (a zero
   * on a log axis) break the line. */
  function polyline(xs, ys, end, axes) {
    var parts = [], pen = "M";
    for (var i = 0; i < end; i++) {
      var px = axes.x.c2p(xs[i]), py = axes.y.c2p(ys[i]);
      if (!isFinite(px) || !isFinite(py)) { pen = "M"; continue; }
      parts.push(pen + px.toFixed(1) + "," + py.toFixed(1));
      pen = "L";
    }
    return parts.join("") || "M0,0";
  }

  function moveMarkers(group, xs, ys, axes) {
    group.querySelectorAll(".points path.point").forEach(function (point, index) {
      var px = axes.x.c2p(xs[index]), py = axes.y.c2p(ys[index]);
      if (isFinite(px) && isFinite(py)) {
        point.setAttribute("transform", "translate(" + px.toFixed(1) + "," + py.toFixed(1) + ")");
        point.style.display = "";
      } else {
        point.style.display = "none";
      }
    });
  }

  /* Draw the current step by writing the SVG that plotly drew: the run paths up to the step, the heads, the
   * curve cursors. About a millisecond a frame, and the landscape is never touched. Plotly keeps the whole
   * trajectories as data (hover, export, tests read them); after plotly redraws (zoom, resize, a new result)
   * the afterplot hook below writes the step again. */
  function draw() {
    var contour = graph("contour"), curves = graph("curves");
    if (!contour || !curves || !player.expected || contour.data.length !== player.expected.contour ||
        curves.data.length !== player.expected.curves) {
      // The figures have not reached the page yet: look again shortly (for up to about ten seconds).
      if (player.retries++ < 600) window.requestAnimationFrame(function () { if (!player.playing) draw(); });
      return false;
    }
    player.retries = 0;
    if (player.view && contour.layout.uirevision === player.uirevision) {
      // A new surface: show its view box. Plotly's react from another surface's equal-aspect layout can widen
      // the ranges instead of narrowing the plot, so the view is set again once the new figure is in.
      var view = player.view, shown = contour._fullLayout;
      player.view = null;
      if (!sameRange(shown.xaxis.range, view.x) || !sameRange(shown.yaxis.range, view.y)) {
        window.Plotly.relayout(contour, { "xaxis.range": view.x.slice(), "yaxis.range": view.y.slice() });
      }
    }
    hook(contour);
    hook(curves);
    fitFonts(contour);
    fitFonts(curves);
    fitColourBar(contour);
    checkView(contour);
    var step = player.step;
    var positions = player.runs.map(function (run) { return position(run.steps, step); });
    // While the start is dragged, the contour shows the paths from where it is.
    var shown = player.liveRuns && player.liveRuns.length === player.runs.length ? player.liveRuns : player.runs;
    var shownAt = shown === player.runs ? positions : shown.map(function (run) { return position(run.steps, step); });
    traceGroups(contour).forEach(function (item) {
      var role = item.meta.role, axes = axesOf(contour, item.trace);
      if (role === "path") {
        var run = shown[item.meta.run], end = shownAt[item.meta.run] + 1;
        var line = item.group.querySelector("path.js-line");
        if (line) line.setAttribute("d", polyline(run.x, run.y, end, axes));
        item.group.querySelectorAll(".points path.point").forEach(function (point) {
          var datum = point.__data__;
          point.style.display = (datum && datum.i !== undefined && datum.i >= end) || shown !== player.runs ? "none" : "";
        });
      } else if (role === "heads") {
        moveMarkers(item.group,
          shown.map(function (run, r) { return run.x[shownAt[r]]; }),
          shown.map(function (run, r) { return run.y[shownAt[r]]; }), axes);
      }
    });
    traceGroups(curves).forEach(function (item) {
      var role = item.meta.role, axes = axesOf(curves, item.trace);
      var row = player.rows.filter(function (r) { return r.key === item.meta.row; })[0];
      if (!row || !axes) return;
      if (role === "curve-heads") {
        moveMarkers(item.group,
          player.runs.map(function (run, r) { return run.steps[positions[r]]; }),
          player.runs.map(function (run, r) { return row.values[r][positions[r]]; }), axes);
      } else if (role === "cursor") {
        var line = item.group.querySelector("path.js-line");
        var px = axes.x.c2p(step);
        if (line && isFinite(px)) line.setAttribute("d", "M" + px.toFixed(1) + ",0V" + axes.y._length.toFixed(1));
      }
    });
    drawModels(shown, shownAt);
    drawVectors(contour);
    renderInspector();
    moveHeads3d(step);
    player.frames += 1;
    return true;
  }
  lab.draw = draw;

  /* A surface of data: each run's model at (w, b) of its drawn step, over the data points. */
  function drawModels(shown, shownAt) {
    var plot = graph("data-plot");
    if (!plot || !plot.offsetParent) return;
    hook(plot);
    traceGroups(plot).forEach(function (item) {
      if (item.meta.role !== "model") return;
      var run = shown[item.meta.run], at = shownAt[item.meta.run], axes = axesOf(plot, item.trace);
      var line = item.group.querySelector("path.js-line");
      if (!run || at < 0 || !axes || !line) return;
      var w = run.x[at], b = run.y[at], us = item.trace.x, n = us.length, ys = new Float64Array(n);
      var logistic = item.meta.model === "logistic";
      for (var j = 0; j < n; j++) {
        var z = w * us[j] + b;
        ys[j] = logistic ? 1 / (1 + Math.exp(-z)) : z;
      }
      line.setAttribute("d", polyline(us, ys, n, axes));
    });
  }

  /* -- A typed formula, checked as it is typed: /formula.json says how it reads, or what is wrong and where. One
   * request is out at a time and the latest text wins; Enter or leaving the field commits it (a Dash edit). */
  var formulaCheck = { timer: 0, asking: false, wanted: null };
  function formulaField() { return document.querySelector(".typed-f input"); }
  function askFormula() {
    var field = formulaField(), tools = document.getElementById("formula-tools");
    if (!field || !tools || formulaCheck.asking) return;
    var typed = field.value, box = document.querySelector(".typed-box input");
    formulaCheck.wanted = null;
    formulaCheck.asking = true;
    var lang = (player.page && player.page.lang) || "en";
    fetch("formula.json?f=" + encodeURIComponent(typed) + "&box=" + encodeURIComponent(box ? box.value : "") +
          "&lang=" + encodeURIComponent(lang), { cache: "no-store" })
      .then(function (answer) { return answer.json(); })
      .then(function (check) { if (formulaField() && formulaField().value === typed) showFormula(check, typed); })
      .catch(function () {})
      .then(function () {
        formulaCheck.asking = false;
        if (formulaCheck.wanted !== null) askFormula();
      });
  }
  function showFormula(check, typed) {
    var tools = document.getElementById("formula-tools"), live = document.getElementById("formula-live");
    if (!tools || !live) return;
    tools.classList.add("typing");
    tools.classList.toggle("refused", !check.ok);
    live.textContent = "";
    if (check.ok) {
      live.appendChild(element("span", "lead", "f(x, y) = "));
      live.appendChild(element("code", "readable", check.text));
      live.appendChild(element("span", "points", check.points + " · " + (tools.dataset.ok || "")));
      return;
    }
    live.appendChild(element("span", "why", check.text));
    if (check.position) {
      // The typed text with a caret under the character the parser stopped at.
      var where = element("pre", "where");
      where.textContent = typed.slice(0, 80) + "\n" + " ".repeat(Math.min(check.position - 1, 80)) + "^";
      live.appendChild(where);
    }
  }
  function formulaCommitted() {
    var tools = document.getElementById("formula-tools"), live = document.getElementById("formula-live");
    if (tools) tools.classList.remove("typing", "refused");
    if (live) live.textContent = "";
  }
  document.addEventListener("input", function (event) {
    if (!event.target.closest || !event.target.closest(".typed-f")) return;
    window.clearTimeout(formulaCheck.timer);
    formulaCheck.timer = window.setTimeout(function () {
      formulaCheck.wanted = event.target.value;
      askFormula();
    }, 120);
  });
  document.addEventListener("change", function (event) {
    if (event.target.closest && event.target.closest(".typed-f")) {
      window.clearTimeout(formulaCheck.timer);
      formulaCommitted();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.closest && event.target.closest(".typed-f")) {
      window.clearTimeout(formulaCheck.timer);
      formulaCommitted();
    }
  });
  lab.formulaCheck = formulaCheck;

  /* -- Why a step went where it did: the step inspector, the arrows and the curvature cross ------------------
   * The server explains a window of the selected run's drawn steps at once (ui/inspector.py); ← and → move
   * through it here, and the next window is asked for before the step reaches its edge. The arrows and the cross
   * follow playback from the vectors the server sends once per result. */
  player.selected = 0;
  player.arrows = "run";
  player.stepShown = false;
  player.inspection = null;
  player.inspectPending = null;  // the ask on its way: {query, run}
  player.vectors = null;
  player.vectorsPending = null;
  var PREFETCH = 10;  // drawn steps from a window's edge at which the next window is asked for
  var SVG = "http://www.w3.org/2000/svg";
  var ARROW_COLOURS = { gradient: "#1b1b1b", direction: "#7b2cbf", step: "#e8590c", taylor: "#2f9e44" };

  function wordsOf(box) {
    if (!box._words) { try { box._words = JSON.parse(box.dataset.words || "{}"); } catch (e) { box._words = {}; } }
    return box._words;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  /* The runs as the contour names and colours them, with the glyph their cards show. */
  function runLooks() {
    var contour = graph("contour"), looks = [];
    var glyphs = document.querySelectorAll(".run-card .glyph");
    if (!contour) return looks;
    contour.data.forEach(function (trace) {
      var meta = trace.meta || {};
      if (meta.role !== "path") return;
      looks[meta.run] = { name: trace.name || "", color: (trace.line && trace.line.color) || "#333",
                          glyph: glyphs[meta.run] ? glyphs[meta.run].textContent : "●" };
    });
    return looks;
  }

  function select(index) {
    if (typeof index !== "number" || !player.runs[index]) return;
    player.selected = index;
    document.querySelectorAll(".run-card").forEach(function (card, i) { card.classList.toggle("selected", i === index); });
    renderInspector();
    draw();
  }
  lab.select = select;

  function askInspection(k) {
    var pending = player.inspectPending;
    // One ask at a time per run; one lost on the way (a worker restarted) is asked again after a while.
    if (pending && pending.query === player.query && pending.run === player.selected &&
        performance.now() - pending.at < 8000) return;
    player.inspectPending = { query: player.query, run: player.selected, at: performance.now() };
    window.dash_clientside.set_props("inspect-ask", { data: { query: player.query, run: player.selected, step: k,
                                                              at: Date.now() } });
  }
  lab.inspected = function (data) {
    if (data && typeof data === "object") {
      player.inspection = data;
      var pending = player.inspectPending;
      if (pending && pending.query === data.query && pending.run === data.run) player.inspectPending = null;
      renderInspector();
    }
    return noUpdate();
  };

  function renderRunPicker(box, looks) {
    var picker = box.querySelector(".inspect-runs");
    var key = player.query + "|" + looks.length + "|" + player.selected;
    if (picker._key === key) return;
    picker._key = key;
    picker.textContent = "";
    looks.forEach(function (look, index) {
      var button = element("button", "inspect-pick");
      button.setAttribute("role", "radio");
      button.setAttribute("aria-checked", String(index === player.selected));
      button.dataset.run = String(index);
      var glyph = element("span", "glyph", look.glyph);
      glyph.style.color = look.color;
      button.appendChild(glyph);
      button.appendChild(document.createTextNode(" " + look.name));
      picker.appendChild(button);
    });
    box.querySelectorAll(".arrows-mode").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.arrows === player.arrows));
    });
  }

  function message(body, text) {
    body.textContent = "";
    body.appendChild(element("p", "inspect-note", text));
    body.dataset.step = "";
  }

  function valueRow(table, label, value, key) {
    if (value === undefined || value === null) return;
    var row = element("tr");
    row.appendChild(element("th", "", label));
    var cell = element("td", "number", value);
    cell.dataset.key = key;
    row.appendChild(cell);
    table.appendChild(row);
  }

  /* The gradient check of the step (experiments/inspect.py gradient_check): the analytic ∇f against its central
     and forward differences with their relative errors. Each shown number's raw value is in data-value, as JSON. */
  function gradientCheck(check, h, w) {
    var table = element("table", "inspect-values inspect-gradcheck");
    var caption = element("caption"), parts = w.gradcheck.split("{h}");
    caption.appendChild(document.createTextNode(parts[0]));
    var size = element("span", "step-size", h[0]);
    size.dataset.value = JSON.stringify(h[1]);
    caption.appendChild(size);
    if (parts[1]) caption.appendChild(document.createTextNode(parts[1]));
    table.appendChild(caption);
    check.forEach(function (entry) {
      var line = element("tr");
      line.dataset.check = entry[0];
      line.appendChild(element("th", "", w[entry[0]]));
      var value = element("td", "number", entry[1]);
      value.dataset.value = JSON.stringify(entry[2]);
      line.appendChild(value);
      if (entry[0] === "analytic") {
        line.appendChild(element("th", "error-head", w.relerr));  // the column's head, on the row without one
      } else {
        var error = element("td", "number error", entry[3]);
        error.dataset.value = JSON.stringify(entry[4]);
        line.appendChild(error);
      }
      table.appendChild(line);
    });
    return table;
  }

  function renderInspector() {
    var box = document.getElementById("inspector");
    if (!box || !player.stepShown) return;
    var w = wordsOf(box), looks = runLooks();
    if (!player.runs[player.selected]) player.selected = 0;
    renderRunPicker(box, looks);
    var body = box.querySelector(".inspect-body");
    var run = player.runs[player.selected];
    if (!run || !run.steps) { body.textContent = ""; return; }
    var at = position(run.steps, player.step), k = run.steps[at];
    if (player.playing) { message(body, w.playing.replace("{k}", k)); return; }
    var data = player.inspection;
    var usable = data && data.query === player.query && data.run === player.selected;
    var index = usable ? data.steps.indexOf(k) : -1;
    if (index < 0) {
      askInspection(k);
      message(body, w.loading.replace("{k}", k));
      return;
    }
    var steps = data.steps;
    if ((index < PREFETCH && steps[0] > 0) || (index >= steps.length - PREFETCH && steps[steps.length - 1] < data.total)) {
      askInspection(k);  // the next window, while this one is still being read
    }
    if (body.dataset.step === String(k) && body.dataset.query === data.query && body.dataset.run === String(data.run)) return;
    var row = data.rows[index], look = looks[data.run] || { glyph: "●", color: "#333", name: "" };
    body.textContent = "";
    body.dataset.step = String(k);
    body.dataset.query = data.query;
    body.dataset.run = String(data.run);
    var title = element("h3", "inspect-title");
    var glyph = element("span", "glyph", look.glyph);
    glyph.style.color = look.color;
    title.appendChild(glyph);
    title.appendChild(document.createTextNode(" " + look.name + " · " + w.step.replace("{k}", k.toLocaleString("en"))));
    body.appendChild(title);
    if (k !== player.step && data.decimated) {
      body.appendChild(element("p", "inspect-note", w.decimated.replace("{drawn}", data.drawn.toLocaleString("en"))
        .replace("{total}", data.total.toLocaleString("en")).replace("{k}", k.toLocaleString("en"))));
    }
    var values = element("table", "inspect-values");
    valueRow(values, w.theta, row.theta, "theta");
    valueRow(values, w.f, row.f, "f");
    valueRow(values, w.grad, row.grad, "grad");
    valueRow(values, row.batch ? w.batch : w.used, row.used, "used");
    valueRow(values, w.lr, row.lr, "lr");
    body.appendChild(values);
    if (row.why) {
      body.appendChild(element("p", "inspect-note", row.why === "last" ? w.last.replace("{k}", k) :
        w.replay.replace("{limit}", data.limit)));
      return;
    }
    body.appendChild(element("h4", "", w.equations));
    var list = element("ol", "inspect-equations");
    row.eq.forEach(function (line) {
      var item = element("li");
      item.dataset.line = String(line[0]);
      item.appendChild(element("span", "eq", data.lines[line[0]][0]));
      // A pair never breaks across lines: "(−4.139, 0.2527)" stays whole.
      if (line[1]) item.appendChild(element("span", "filled", "= " + line[1].replace(/, /g, ",\u00a0")));
      if (line[2]) item.appendChild(element("span", "result", "= " + line[2].replace(/, /g, ",\u00a0")));
      list.appendChild(item);
    });
    body.appendChild(list);
    if (row.check) body.appendChild(gradientCheck(row.check, data.h, w));
    if (row.check && row.checkRounding) body.appendChild(element("p", "inspect-note gradcheck-rounding", w["gradcheck-rounding"]));
    if (row.state.length) {
      var state = element("table", "inspect-state");
      var head = element("tr");
      [w.state, w.before, w.after].forEach(function (text) { head.appendChild(element("th", "", text)); });
      state.appendChild(head);
      row.state.forEach(function (entry) {
        var line = element("tr");
        var name = element("th", "", entry[0] + " ");
        name.appendChild(element("small", "", data.internals[entry[0]] || ""));
        line.appendChild(name);
        [1, 2].forEach(function (i) {
          var cell = element("td", "number", entry[i]);
          cell.dataset.key = entry[0] + (i === 1 ? ":before" : ":after");
          line.appendChild(cell);
        });
        state.appendChild(line);
      });
      body.appendChild(state);
    }
    var outcome = element("table", "inspect-values");
    valueRow(outcome, w.effective, row.eff, "eff");
    valueRow(outcome, w.delta, row.delta, "delta");
    valueRow(outcome, w.next, row.next, "next");
    body.appendChild(outcome);
    var curv = row.curv, lines = element("table", "inspect-values inspect-curvature");
    var caption = element("caption", "", w.curvature);
    lines.appendChild(caption);
    valueRow(lines, "H", curv.h, "hessian");
    valueRow(lines, "λ₁", curv.l[0], "lambda1");
    valueRow(lines, "λ₂", curv.l[1], "lambda2");
    if (curv.v) valueRow(lines, w.directions, curv.v[0] + "  " + curv.v[1], "vectors");
    if (curv.kappa) valueRow(lines, w.kappa, curv.kappa, "kappa");
    body.appendChild(lines);
    if (curv.saddle) body.appendChild(element("p", "inspect-note saddle", w.saddle));
    else if (curv.flat) body.appendChild(element("p", "inspect-note", w.flat));
  }
  lab.renderInspector = renderInspector;

  /* -- arrows ----------------------------------------------------------------------------------------------- */
  function wantedRuns() {
    // The first-order model is drawn for every run, so a small step's ball can be set beside a large one's.
    if (player.arrows === "all" || player.arrows === "taylor") return player.runs.map(function (_, i) { return i; });
    return player.runs[player.selected] ? [player.selected] : [];
  }
  function askVectors(runs) {
    var key = player.query + "|" + runs.join(",");
    if (player.vectorsPending === key) return;
    player.vectorsPending = key;
    window.dash_clientside.set_props("vectors-ask", { data: { query: player.query, runs: runs, at: Date.now() } });
  }
  lab.vectorsIn = function (data) {
    if (data && typeof data === "object" && data.runs) {
      var runs = {};
      Object.keys(data.runs).forEach(function (key) {
        var entry = data.runs[key];
        runs[key] = { g: decode(entry.g), d: decode(entry.d), h: decode(entry.h), m: entry.m ? decode(entry.m) : null,
                      units: entry.units, name: entry.name, symbol: entry.symbol };
      });
      player.vectors = { query: data.query, asked: data.asked, runs: runs, scales: null };
      player.vectorsPending = null;
      draw();
    }
    return noUpdate();
  };

  function vectorLayer(gd) {
    var svg = gd.querySelector(".main-svg");
    if (!svg) return null;
    var layer = svg.querySelector("g.descent-vectors");
    if (!layer) {
      var defs = document.createElementNS(SVG, "defs");
      defs.setAttribute("class", "descent-vector-defs");
      defs.innerHTML = '<clipPath id="descent-vector-clip"><rect></rect></clipPath>' +
        Object.keys(ARROW_COLOURS).map(function (kind) {
          return '<marker id="descent-head-' + kind + '" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="4.5" ' +
            'markerHeight="4.5" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="' + ARROW_COLOURS[kind] +
            '"></path></marker>';
        }).join("");
      svg.appendChild(defs);
      layer = document.createElementNS(SVG, "g");
      layer.setAttribute("class", "descent-vectors");
      layer.setAttribute("clip-path", "url(#descent-vector-clip)");
      svg.appendChild(layer);
    }
    // The axes' own box: with equal scales plotly shrinks one axis's domain inside the plotting area.
    var xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    var rect = svg.querySelector("#descent-vector-clip rect");
    rect.setAttribute("width", xa._length);
    rect.setAttribute("height", ya._length);
    layer.setAttribute("transform", "translate(" + xa._offset + "," + ya._offset + ")");
    return layer;
  }

  function svgNode(tag, attributes, parent) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    parent.appendChild(node);
    return node;
  }

  /* One scale per unit for every arrow of a result and view: the power of ten that draws the 90th-percentile arrow
   * at about a seventh of the plot (a run that converges has most of its steps tiny: the median would blow the
   * early arrows up past the plot). Gradients (−∇f, b, m) share one; steps (Δθ, Newton's and L-BFGS's d) the
   * other. */
  function scales(gd) {
    var xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    var key = [xa.range.join(), ya.range.join(), xa._length, ya._length].join("|");
    var v = player.vectors;
    if (v.scales && v.scales.key === key) return v.scales;
    var lengths = { gradient: [], step: [] };
    function add(kind, array) {
      for (var i = 0; i + 1 < array.length; i += 2) {
        var px = Math.hypot(array[i] * xa._m, array[i + 1] * ya._m);
        if (px > 0 && isFinite(px)) lengths[kind].push(px);
      }
    }
    Object.keys(v.runs).forEach(function (r) {
      var entry = v.runs[r];
      add("gradient", entry.g);
      add("step", entry.d);
      if (entry.m) add(entry.units === "step" ? "step" : "gradient", entry.m);
    });
    var target = 0.15 * Math.min(xa._length, ya._length), out = { key: key };
    Object.keys(lengths).forEach(function (kind) {
      var sorted = lengths[kind].sort(function (a, b) { return a - b; });
      var high = sorted.length ? sorted[Math.floor(0.9 * (sorted.length - 1))] : 0;
      out[kind] = high > 0 ? Math.pow(10, Math.floor(Math.log10(target / high))) : 1;
    });
    v.scales = out;
    return out;
  }

  function scaleText(scale) {
    return scale >= 1e-3 && scale <= 1e4 ? String(Number(scale.toPrecision(3))) : scale.toExponential(0).replace("e+", "e");
  }

  function drawVectors(gd) {
    var layer = vectorLayer(gd);
    if (!layer) return;
    while (layer.firstChild) layer.removeChild(layer.firstChild);
    if (!player.stepShown || player.arrows === "off") return;
    var runs = wantedRuns(), v = player.vectors;
    var covered = v && v.query === player.query && runs.every(function (r) { return v.runs[String(r)]; });
    if (!covered) { if (runs.length) askVectors(runs); return; }
    var xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    var s = scales(gd), side = Math.min(xa._length, ya._length), cap = 0.3 * side;
    var used = {}, symbols = [];
    function arrow(kind, x, y, vx, vy, scale, run) {
      var x0 = xa.c2p(x), y0 = ya.c2p(y), x1 = xa.c2p(x + scale * vx), y1 = ya.c2p(y + scale * vy);
      if (!isFinite(x0 + y0 + x1 + y1)) return;
      var length = Math.hypot(x1 - x0, y1 - y0);
      if (length < 0.5) return;
      var capped = length > cap;
      if (capped) { x1 = x0 + (x1 - x0) * cap / length; y1 = y0 + (y1 - y0) * cap / length; }
      used[kind] = true;
      var common = { x1: x0.toFixed(2), y1: y0.toFixed(2), x2: x1.toFixed(2), y2: y1.toFixed(2) };
      svgNode("line", Object.assign({ stroke: "#fff", "stroke-width": 5, "stroke-linecap": "round", opacity: 0.8 },
                                    common), layer);
      svgNode("line", Object.assign({ class: "arrow arrow-" + kind, stroke: ARROW_COLOURS[kind], "stroke-width": 2.2,
                                      "marker-end": "url(#descent-head-" + kind + ")", "data-run": run,
                                      "data-scale": scale, "data-capped": capped ? "1" : "0",
                                      "stroke-dasharray": capped ? "6 4" : "none" }, common), layer);
    }
    runs.forEach(function (r) {
      var run = player.runs[r], entry = v.runs[String(r)];
      if (!run || !entry) return;
      var at = position(run.steps, player.step);
      if (at < 0) return;
      var x = run.x[at], y = run.y[at], i = 2 * at;
      if (player.arrows !== "taylor") cross(layer, xa, ya, x, y, entry.h[3 * at], entry.h[3 * at + 1], entry.h[3 * at + 2], side, r);
      arrow("gradient", x, y, -entry.g[i], -entry.g[i + 1], s.gradient, r);
      if (entry.m && symbols.indexOf(entry.symbol) < 0) symbols.push(entry.symbol);
      // With the first-order model the ringed point is the step itself, at its true length: no scaled arrows.
      if (player.arrows === "taylor") {
        taylor(layer, xa, ya, x, y, entry.g[i], entry.g[i + 1], entry.d[i], entry.d[i + 1], r);
        return;
      }
      if (entry.m) arrow("direction", x, y, entry.m[i], entry.m[i + 1], entry.units === "step" ? s.step : s.gradient, r);
      arrow("step", x, y, entry.d[i], entry.d[i + 1], s.step, r);
    });
    if (player.arrows === "taylor" && layer.querySelector(".taylor-radius")) used.taylor = true;
    legend(layer, s, used, symbols, ya._length);
  }

  /* The first-order Taylor model of f at θ, f(θ) + ∇f·d, and the ball ‖d‖ ≤ r of the step's own length r = ‖Δθ‖
   * (notes 000: draw a circle around the point and take its lowest point). The model's level lines are straight,
   * at right angles to ∇f: one through θ, and the lowest one the ball reaches, which touches it at θ − r∇f/‖∇f‖,
   * the model's minimizer (ringed). Gradient descent's step ends there; another rule's step shows how far it
   * departs from the model. Drawn in data units, so the ball is a circle of the loss's own metric. */
  function taylor(layer, xa, ya, x, y, gx, gy, dx, dy, run) {
    var norm = Math.hypot(gx, gy), radius = Math.hypot(dx, dy);
    if (!(norm > 0) || !(radius > 0) || !isFinite(norm + radius)) return;
    var ux = gx / norm, uy = gy / norm, tx = -uy, ty = ux, mx = x - radius * ux, my = y - radius * uy;
    function px(px_, py_) { return xa.c2p(px_).toFixed(2) + "," + ya.c2p(py_).toFixed(2); }
    var circle = [];
    for (var k = 0; k <= 96; k++) {
      var angle = 2 * Math.PI * k / 96;
      circle.push(px(x + radius * Math.cos(angle), y + radius * Math.sin(angle)));
    }
    var colour = ARROW_COLOURS.taylor, reach = 1.8 * radius;
    svgNode("polyline", { class: "taylor-radius", points: circle.join(" "), fill: "rgba(47,158,68,0.08)",
                          stroke: colour, "stroke-width": 2, "stroke-dasharray": "5 4", "data-run": run,
                          "data-radius": radius }, layer);
    [[x, y, "taylor-level"], [mx, my, "taylor-level-lowest"]].forEach(function (line) {
      svgNode("polyline", { class: line[2], points: px(line[0] - reach * tx, line[1] - reach * ty) + " " +
                                                    px(line[0] + reach * tx, line[1] + reach * ty),
                            stroke: colour, "stroke-width": line[2] === "taylor-level" ? 1.5 : 2.5, fill: "none",
                            "data-run": run }, layer);
    });
    svgNode("circle", { class: "taylor-minimizer", cx: xa.c2p(mx).toFixed(2), cy: ya.c2p(my).toFixed(2), r: 6,
                        fill: "none", stroke: colour, "stroke-width": 2.5, "data-run": run }, layer);
  }

  /* The Hessian's eigendirections at θ as a small cross: arms in proportion to |λ|, red where f curves down. */
  function cross(layer, xa, ya, x, y, hxx, hxy, hyy, diag, run) {
    var mean = (hxx + hyy) / 2, radius = Math.hypot((hxx - hyy) / 2, hxy);
    var lambdas = [mean - radius, mean + radius], biggest = Math.max(Math.abs(lambdas[0]), Math.abs(lambdas[1]));
    if (!(biggest > 0) || !isFinite(biggest)) return;
    var angle = 0.5 * Math.atan2(2 * hxy, hxx - hyy);  // the direction of λ₂ (the larger)
    var cx = xa.c2p(x), cy = ya.c2p(y);
    [[angle + Math.PI / 2, lambdas[0]], [angle, lambdas[1]]].forEach(function (arm, index) {
      var half = 0.06 * diag * Math.max(Math.abs(arm[1]) / biggest, 0.15);
      var dx = Math.cos(arm[0]) * half, dy = -Math.sin(arm[0]) * half;  // screen y points down
      svgNode("line", { class: "curvature curvature-" + (index + 1), "data-run": run, "data-lambda": arm[1],
                        x1: (cx - dx).toFixed(2), y1: (cy - dy).toFixed(2), x2: (cx + dx).toFixed(2),
                        y2: (cy + dy).toFixed(2), stroke: arm[1] < 0 ? "#c92a2a" : "#1864ab", "stroke-width": 2.5,
                        "stroke-dasharray": arm[1] < 0 ? "3 3" : "none", opacity: 0.9 }, layer);
    });
  }

  function legend(layer, s, used, symbols, height) {
    var box = document.getElementById("inspector");
    var w = box ? wordsOf(box) : {};
    var font = Math.round(parseFloat(window.getComputedStyle(document.documentElement).fontSize)) || 12;
    if (height < 420) font = Math.max(9, Math.round(font * 0.8));  // a phone's plot keeps most of its room
    var items = [];
    if (used.gradient) items.push(["gradient", (w["arrow-gradient"] || "−∇f") + " " + (w["arrow-scale"] || "×{scale}").replace("{scale}", scaleText(s.gradient))]);
    if (used.direction) items.push(["direction", (w["arrow-direction"] || "direction") + " " + symbols.join(", ")]);
    if (used.taylor) items.push(["taylor", w["arrow-taylor"] || "f(θ) + ∇f·d, ‖d‖ ≤ ‖Δθ‖"]);
    if (used.step) items.push(["step", (w["arrow-step"] || "Δθ") + " " + (w["arrow-scale"] || "×{scale}").replace("{scale}", scaleText(s.step))]);
    if (!items.length) return;
    // In the lower left corner, where few runs start.
    var top = height - 6 - (items.length + 0.3) * font * 1.35;
    var group = svgNode("g", { class: "arrow-legend", transform: "translate(6," + top.toFixed(1) + ")" }, layer);
    var background = svgNode("rect", { fill: "rgba(255,255,255,0.88)", stroke: "#999", rx: 3 }, group);
    var widest = 0;
    items.forEach(function (item, index) {
      var y = (index + 0.8) * font * 1.35;
      svgNode("line", { x1: 6, y1: y - font * 0.35, x2: 6 + font * 1.8, y2: y - font * 0.35, stroke: ARROW_COLOURS[item[0]],
                        "stroke-width": 2.2, "stroke-dasharray": item[0] === "taylor" ? "5 4" : "none",
                        "marker-end": item[0] === "taylor" ? "none" : "url(#descent-head-" + item[0] + ")" }, group);
      var label = svgNode("text", { x: 12 + font * 2, y: y, "font-size": font * 0.85, fill: "#222",
                                    class: "legend-" + item[0] }, group);
      label.textContent = item[1];
      widest = Math.max(widest, label.getComputedTextLength ? label.getComputedTextLength() : 80);
    });
    background.setAttribute("width", (18 + font * 2 + widest).toFixed(0));
    background.setAttribute("height", ((items.length + 0.3) * font * 1.35).toFixed(0));
  }

  /* The heads on the 3-D surface: plotly's WebGL scene has no SVG to write, so the heads trace is restyled, at
   * most every 50 ms (the scene redraws in a few milliseconds; a frame's other work comes first). */
  /* The camera a user turned to stays through re-runs. Plotly's uirevision does not keep a 3-D scene's camera
   * reliably (plotly.js issues 4978 and 5050), so the page keeps it: the last camera the user set is put back on
   * each new figure. */
  function keepCamera(gd) {
    if (!gd._descentCamera) {
      gd._descentCamera = true;
      gd.on("plotly_relayout", function (update) {
        if (update && update["scene.camera"]) player.camera3d = JSON.parse(JSON.stringify(update["scene.camera"]));
      });
      // A new figure comes by its own callback, after the 2-D plots: put the camera and the heads right then.
      gd.on("plotly_afterplot", function () { window.requestAnimationFrame(function () { moveHeads3d(player.step); }); });
    }
    var figure = gd.data;
    if (!player.camera3d || gd._cameraFor === figure) return;
    gd._cameraFor = figure;
    var shown = gd._fullLayout.scene && gd._fullLayout.scene.camera;
    if (shown && JSON.stringify(shown.eye) === JSON.stringify(player.camera3d.eye)) return;
    window.Plotly.relayout(gd, { "scene.camera": player.camera3d });
  }

  function moveHeads3d(step) {
    var gd = player.plot3d && graph("surface3d");
    if (!gd || !gd._fullData || !gd._fullLayout.scene) return;
    keepCamera(gd);
    var heads = gd.data.findIndex(function (t) { return t.meta && t.meta.role === "heads3d"; });
    if (heads < 0) return;
    var paths = [];
    gd.data.forEach(function (trace) {
      if (trace.meta && trace.meta.role === "path3d") {
        if (!trace._decoded) trace._decoded = { x: decode(trace.x), y: decode(trace.y), z: decode(trace.z) };
        paths[trace.meta.run] = trace._decoded;
      }
    });
    var at = player.runs.map(function (run) { return run.steps ? position(run.steps, step) : 0; });
    var key = player.query + "|" + at.join(",");
    if (gd._headsKey === key) return;
    var now = performance.now();
    if (gd._headsPending || now - (gd._headsAt || 0) < 50) {
      if (!gd._headsTimer) gd._headsTimer = window.setTimeout(function () { gd._headsTimer = null; moveHeads3d(player.step); }, 60);
      return;
    }
    var xs = [], ys = [], zs = [];
    paths.forEach(function (path, r) { xs.push(path.x[at[r]]); ys.push(path.y[at[r]]); zs.push(path.z[at[r]]); });
    if (xs.length !== player.runs.length) return;  // the 3-D figure is of another result: it is on its way
    gd._headsKey = key;
    gd._headsAt = now;
    gd._headsPending = true;
    window.Plotly.restyle(gd, { x: [xs], y: [ys], z: [zs] }, [heads]).then(function () { gd._headsPending = false; },
                                                                            function () { gd._headsPending = false; });
  }

  /* Plot text follows the page's root font size, which grows with the window (a projector gets larger type). */
  function fitFonts(gd) {
    var size = Math.round(parseFloat(window.getComputedStyle(document.documentElement).fontSize));
    if (!size || gd._descentFontPending || gd._fullLayout.font.size === size) return;
    gd._descentFontPending = true;
    window.Plotly.relayout(gd, { "font.size": size }).then(function () { gd._descentFontPending = false; });
  }

  /* On a phone the colour bar, the axis titles and the y tick labels' margin would take a quarter of the
   * contour's width: the level lines carry the loss on hover and the tick labels (inside the plot) the
   * coordinates, so the plot gets the width; a wide screen gets them back. */
  var NARROW = window.matchMedia("(max-width: 699px)");
  function fitColourBar(gd) {
    var index = gd._fullData.findIndex(function (t) { return t.meta && t.meta.role === "colorbar"; });
    if (index < 0 || gd._descentBarPending) return;
    // A phone, or the small place beside the caption a sweep leaves the contour in presentation mode.
    var wide = !NARROW.matches && gd.clientHeight >= 360;
    // Dash may draw the figure afresh from its own copy (its layout, but the traces as restyled): look at both.
    var narrowNow = !gd._fullData[index].marker.showscale && gd.layout.yaxis.ticklabelposition === "inside";
    if (narrowNow !== wide) return;
    gd._descentBarPending = true;
    if (!gd._descentWide) {
      var l = gd.layout;
      gd._descentWide = { "xaxis.title.text": l.xaxis.title.text, "yaxis.title.text": l.yaxis.title.text,
                          "yaxis.ticklabelposition": "outside", "yaxis.automargin": true, "margin.l": l.margin.l };
    }
    // A plane whose axes are not x and y (a model's w and b) keeps the x-axis title, which costs no width.
    var keptX = gd._descentWide["xaxis.title.text"] === "x" ? "" : gd._descentWide["xaxis.title.text"];
    var layout = wide ? gd._descentWide : { "xaxis.title.text": keptX, "yaxis.title.text": "",
                                             "yaxis.ticklabelposition": "inside", "yaxis.automargin": false,
                                             "margin.l": 6 };
    window.Plotly.update(gd, { "marker.showscale": wide }, layout, [index]).then(function () {
      gd._descentBarPending = false;
    });
  }

  /* When the start or a path is out of the contour's view, say so, with a button that zooms out to take them
   * in (their whole paths, not only what is drawn so far). */
  function checkView(gd) {
    var notice = document.getElementById("view-notice");
    var start = gd._fullData.filter(function (t) { return t.meta && t.meta.role === "start"; })[0];
    if (!notice || !start) return;
    var xr = gd._fullLayout.xaxis.range, yr = gd._fullLayout.yaxis.range;
    var key = [player.query, xr[0], xr[1], yr[0], yr[1]].join();
    if (key === player.viewChecked) return;
    player.viewChecked = key;
    var xs = [start.x[0]], ys = [start.y[0]], out = 0;
    function outside(x, y) {
      return x < Math.min(xr[0], xr[1]) || x > Math.max(xr[0], xr[1]) || y < Math.min(yr[0], yr[1]) ||
        y > Math.max(yr[0], yr[1]);
    }
    player.runs.forEach(function (run) {
      var leaves = false;
      for (var i = 0; i < run.x.length; i++) {
        if (!isFinite(run.x[i]) || !isFinite(run.y[i])) continue;
        xs.push(run.x[i]);
        ys.push(run.y[i]);
        if (outside(run.x[i], run.y[i])) leaves = true;
      }
      if (leaves) out += 1;
    });
    var startOut = outside(start.x[0], start.y[0]);
    if (!out && !startOut) { notice.hidden = true; return; }
    var words = startOut ? notice.dataset.start : notice.dataset.paths.replace("{n}", out)
      .replace("{total}", player.runs.length);
    notice.querySelector(".what").textContent = words;
    notice.hidden = false;
    var lows = [Math.min.apply(null, xs), Math.min.apply(null, ys)];
    var highs = [Math.max.apply(null, xs), Math.max.apply(null, ys)];
    player.fit = [0, 1].map(function (k) {
      var range = k === 0 ? xr : yr;
      var low = Math.min(lows[k], range[0], range[1]), high = Math.max(highs[k], range[0], range[1]);
      var pad = 0.05 * (high - low || 1);
      return [low - pad, high + pad];
    });
  }
  function fitPaths() {
    var contour = graph("contour");
    if (!contour || !player.fit) return;
    window.Plotly.relayout(contour, { "xaxis.range": player.fit[0], "yaxis.range": player.fit[1] });
  }
  lab.fitPaths = fitPaths;

  /* Plotly redraws its SVG after a zoom, a resize or a new figure; write the current step again afterwards. */
  function hook(gd) {
    if (gd._descentHooked || typeof gd.on !== "function") return;
    gd._descentHooked = true;
    gd.on("plotly_afterplot", function () { window.requestAnimationFrame(draw); });
    if (gd.closest("#contour")) {
      attachDrag(gd);
      attachClick(gd);
      gd.on("plotly_relayout", function () { recordZoom(gd); });
      // With the inspector open, a click on a run's path or legend entry selects the run (and sets no start).
      gd.on("plotly_click", function (event) {
        var point = event && event.points && event.points[0], meta = point && point.data && point.data.meta;
        if (!player.stepShown || !meta || meta.role !== "path") return;
        player.pathPicked = performance.now();
        select(meta.run);
      });
      gd.on("plotly_legendclick", function (event) {
        var meta = event && event.data && event.data[event.curveNumber] && event.data[event.curveNumber].meta;
        if (!player.stepShown || !meta || meta.role !== "path") return true;
        select(meta.run);
        return false;
      });
    }
  }

  /* A zoomed or panned contour goes into the address (view=x0,x1,y0,y1); the surface's own box does not. */
  function recordZoom(gd) {
    var x = gd._fullLayout.xaxis.range, y = gd._fullLayout.yaxis.range;
    if (player.view || !player.home) return;  // a view is still being set
    var home = sameRange(x, player.home.x) && sameRange(y, player.home.y);
    // Rounded to a thousandth of the visible span, as a clicked start is: short, and exact to the pixel.
    player.zoom = home ? null : [roundTo(x[0], x), roundTo(x[1], x), roundTo(y[0], y), roundTo(y[1], y)];
    writeAddress();
    askForLandscape(gd);
  }

  /* After a zoom or pan settles, ask the server for the landscape of the new box (only the level lines and the
   * image come back); back at the surface's own box, for that one. The box is tagged with the view it belongs to,
   * so a late answer cannot paint one surface's lines over another's. */
  var LANDSCAPE_AFTER = 300;
  function askForLandscape(gd) {
    window.clearTimeout(player.landscapeTimer);
    player.landscapeTimer = window.setTimeout(function () {
      var wanted = player.zoom ? { box: player.zoom.slice(), view: gd.layout.uirevision } : null;
      if (JSON.stringify(wanted) === JSON.stringify(player.landscapeAsked)) return;
      player.landscapeAsked = wanted;
      window.dash_clientside.set_props("zoom-box", { data: wanted });
    }, LANDSCAPE_AFTER);
  }

  function rate() {
    return Math.max(player.steps / SECONDS_AT_1X, MIN_STEPS_PER_SECOND) * player.speed;
  }

  function tick(now) {
    if (!player.playing) return;
    var elapsed = Math.min((now - player.lastTime) / 1000, 0.25);
    player.lastTime = now;
    player.carry += elapsed * rate();
    var whole = Math.floor(player.carry);
    if (whole > 0) {
      player.carry -= whole;
      seek(player.step + whole);
    }
    if (player.step >= player.steps) { pause(); return; }
    window.requestAnimationFrame(tick);
  }

  function play() {
    if (player.step >= player.steps) seek(0);
    player.playing = true;
    player.carry = 0;
    player.lastTime = performance.now();
    setPlayButton();
    writeAddress();
    window.requestAnimationFrame(tick);
  }

  function pause() {
    player.playing = false;
    setPlayButton();
    writeAddress();
    renderInspector();
  }
  lab.play = play;
  lab.pause = pause;

  function setPlayButton() {
    var button = document.getElementById("play");
    if (!button) return;
    button.setAttribute("aria-pressed", player.playing ? "true" : "false");
    var words = (document.getElementById("player") || { dataset: {} }).dataset;
    button.title = (player.playing ? words.pause : words.play) || (player.playing ? "pause" : "play");
    button.setAttribute("aria-label", button.title);
  }

  function toggle() { if (player.playing) pause(); else play(); }
  function stepBy(delta) { pause(); seek(player.step + delta); }

  var ACTIONS = {
    "play": toggle,
    "step-back": function () { stepBy(-1); },
    "step-forward": function () { stepBy(1); },
    "to-start": function () { pause(); seek(0); },
    "to-end": function () { pause(); seek(player.steps); },
  };

  /* On a phone each run card is one line until it is opened; the runs opened stay open when the server
   * rebuilds the cards (an added run, another optimizer). */
  player.openRuns = {};
  function openRunCards() {
    document.querySelectorAll(".run-card").forEach(function (card, index) {
      card.classList.toggle("collapsed", !player.openRuns[index]);
    });
  }
  new MutationObserver(function (changes) {
    if (changes.some(function (c) { return c.target.closest && c.target.closest("#runs-panel"); })) openRunCards();
  }).observe(document.documentElement, { childList: true, subtree: true });

  /* A lesson's caption folds to its title and back: a click on the title, or the c key. A phone in presentation
   * mode opens with it folded, so the plot comes first. */
  function foldCaption(fold) {
    var caption = document.getElementById("lesson-caption");
    if (!caption || caption.hidden) return;
    fold = fold === undefined ? !caption.classList.contains("collapsed") : fold;
    caption.classList.toggle("collapsed", fold);
    var title = caption.querySelector("h2");
    if (title) title.setAttribute("aria-expanded", fold ? "false" : "true");
    window.dispatchEvent(new Event("resize"));  // the plots take the room it leaves, or give it back
  }
  lab.foldCaption = foldCaption;
  new MutationObserver(function () {
    var caption = document.getElementById("lesson-caption");
    if (!caption || caption._descentFolded) return;
    caption._descentFolded = true;
    if (NARROW.matches && document.querySelector(".app.present")) foldCaption(true);
  }).observe(document.documentElement, { childList: true, subtree: true });

  document.addEventListener("click", function (event) {
    var heading = event.target.closest && event.target.closest("#lesson-caption h2");
    if (heading && !event.target.closest("a")) { foldCaption(); return; }
    var card = event.target.closest && event.target.closest(".run-card");
    if (card && !event.target.closest("input, button, select, label, summary, .dash-dropdown, .rc-slider")) {
      select(Array.prototype.indexOf.call(document.querySelectorAll(".run-card"), card));
    }
    var button = event.target.closest && event.target.closest("button");
    if (!button) return;
    if (button.dataset.run !== undefined && button.classList.contains("inspect-pick")) {
      select(Number(button.dataset.run));
      return;
    }
    if (button.dataset.arrows) {
      player.arrows = button.dataset.arrows;
      document.querySelectorAll(".arrows-mode").forEach(function (b) {
        b.setAttribute("aria-pressed", String(b === button));
      });
      draw();
      return;
    }
    if (button.classList.contains("run-open")) {
      var cards = Array.prototype.slice.call(document.querySelectorAll(".run-card"));
      var index = cards.indexOf(button.closest(".run-card"));
      player.openRuns[index] = !player.openRuns[index];
      openRunCards();
      return;
    }
    if (ACTIONS[button.id]) ACTIONS[button.id]();
    else if (button.id === "fit-paths") fitPaths();
    else if (button.id === "copy-link") copyLink(button);
    else if (button.dataset.lang) openWith("lang", button.dataset.lang);
    else if (button.id === "toggle-present") openWith("present", button.dataset.present === "1" ? "1" : "");
    else if (button.dataset.download) download(button);
    else if (button.dataset.tab) showPanel(button.dataset.tab);
  });

  /* With a sweep, the curves and the sweep plot share one place: the tabs switch between them. A new sweep
   * shows itself; when the sweep goes, the curves come back. */
  function showPanel(name) {
    var box = document.getElementById("curves-box");
    if (!box) return;
    box.classList.toggle("show-sweep", name === "sweep");
    box.classList.toggle("show-step", name === "step");
    box.classList.toggle("show-3d", name === "3d");
    player.stepShown = name === "step";
    // The 3-D figure is built only while its tab is shown (and again on opening it, for the result on screen).
    var was3d = player.plot3d;
    player.plot3d = name === "3d";
    if (player.plot3d !== Boolean(was3d)) {
      window.dash_clientside.set_props("plot3d-on", { data: { on: player.plot3d, query: player.query } });
    }
    writeAddress();
    var app = document.getElementById("app");
    if (app) app.classList.toggle("sweep-first", name === "sweep");
    box.querySelectorAll(".tab").forEach(function (tab) {
      tab.setAttribute("aria-selected", String(tab.dataset.tab === name));
    });
    ["curves", "sweep-plot", "contour", "surface3d", "data-plot"].forEach(function (id) {
      var gd = graph(id);
      if (gd && gd._fullLayout && gd.offsetParent) window.Plotly.Plots.resize(gd);
    });
    window.requestAnimationFrame(draw);
  }
  lab.showPanel = showPanel;

  /* A plot drawn while its tab was hidden has no size; plotly's own "responsive" follows only the window. Any
   * change of a plot's box (a tab shown, a caption folded, a phone turned) resizes it. */
  var sized = new WeakSet();
  var resizer = typeof ResizeObserver === "function" ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      var gd = entry.target.querySelector(".js-plotly-plot");
      if (gd && gd._fullLayout && entry.contentRect.width > 0) window.Plotly.Plots.resize(gd);
    });
  }) : null;
  new MutationObserver(function () {
    document.querySelectorAll(".curves-box .graph, #contour").forEach(function (box) {
      if (resizer && !sized.has(box)) { sized.add(box); resizer.observe(box); }
    });
    // The sweep plot's type follows the page's, as the contour's and the curves' do.
    var sweepPlot = graph("sweep-plot");
    if (sweepPlot && !sweepPlot._descentFonts && typeof sweepPlot.on === "function") {
      sweepPlot._descentFonts = true;
      sweepPlot.on("plotly_afterplot", function () { fitFonts(sweepPlot); });
      fitFonts(sweepPlot);
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
  lab.sweepShown = function (hidden) {
    var shown = !hidden, box = document.getElementById("curves-box");
    // A new sweep shows itself; when it goes, the curves come back (if it was the tab on show).
    if (shown && shown !== player.sweepShown) showPanel("sweep");
    else if (!shown && box && box.classList.contains("show-sweep")) showPanel("curves");
    player.sweepShown = shown;
    return noUpdate();
  };

  /* The server builds the file from the link (download.csv?<link>). Fetched rather than followed, so the
   * button can show that a long run is being computed, and say so if it fails. */
  function download(button) {
    var wanted = address();
    if (!wanted || button.disabled) return;
    var label = button.textContent;
    button.disabled = true;
    button.classList.add("busy");
    window.fetch("download." + button.dataset.download + wanted).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      var named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
      return response.blob().then(function (blob) { save(blob, named ? named[1] : "descent-lab"); });
    }).catch(function () {
      button.textContent = button.dataset.failed;
      window.setTimeout(function () { button.textContent = label; }, 3000);
    }).then(function () {
      button.disabled = false;
      button.classList.remove("busy");
    });
  }

  function save(blob, name) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
  }

  /* Switching language or presentation mode opens the page again: the playback step and whether it was playing
   * travel in the tab's session storage, for that experiment only. */
  var CARRIED = "descent-lab-playback";
  function carryPlayback() {
    try {
      window.sessionStorage.setItem(CARRIED, JSON.stringify({ query: player.query, step: player.step,
                                                               playing: player.playing, stepShown: player.stepShown,
                                                               selected: player.selected, arrows: player.arrows }));
    } catch (error) { /* storage may be off: the page then opens as a link would */ }
  }
  function carriedPlayback(query) {
    var carried = null;
    try {
      carried = JSON.parse(window.sessionStorage.getItem(CARRIED) || "null");
      window.sessionStorage.removeItem(CARRIED);
    } catch (error) { carried = null; }
    return carried && carried.query === query && typeof carried.step === "number" ? carried : null;
  }

  /* Open the lesson `offset` places from the current one in the gallery (whose links keep the language,
   * presentation mode and hidden parts). Only on a lesson's page. */
  function openLesson(offset) {
    var links = Array.prototype.slice.call(document.querySelectorAll(".lesson-list a"));
    var current = links.findIndex(function (a) { return a.classList.contains("current"); });
    var next = links[current + offset];
    if (current < 0 || !next) return false;
    window.location.assign(next.getAttribute("href"));
    return true;
  }

  /* The current address with one page key set (or removed), opened as a new page: the page is rendered from
   * its link, so a language or presentation change is a reload that keeps everything else. */
  function openWith(key, value) {
    writeAddressNow();
    carryPlayback();
    var params = new URLSearchParams(window.location.search);
    if (value) params.set(key, value); else params.delete(key);
    var query = params.toString().replace(/%28/g, "(").replace(/%29/g, ")").replace(/%2C/g, ",")
      .replace(/%3D/g, "=").replace(/%3B/g, ";").replace(/%3A/g, ":").replace(/%21/g, "!").replace(/%2A/g, "*")
      .replace(/%27/g, "'").replace(/%7E/g, "~");
    window.location.assign("?" + query + window.location.hash);
  }

  function copyLink(button) {
    writeAddressNow();
    var link = window.location.href;
    var label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    function done(ok) {
      button.textContent = ok ? button.dataset.done : button.dataset.failed;
      button.classList.toggle("done", ok);
      window.setTimeout(function () { button.textContent = label; button.classList.remove("done"); }, 2500);
    }
    // The clipboard API needs a secure context (localhost or https); a classroom LAN address falls back.
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(link).then(function () { done(true); }, function () { done(fallbackCopy(link)); });
    } else {
      done(fallbackCopy(link));
    }
  }

  function fallbackCopy(value) {
    var field = document.createElement("textarea");
    field.value = value;
    field.setAttribute("readonly", "");
    field.style.position = "fixed";
    field.style.opacity = "0";
    document.body.appendChild(field);
    field.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
    document.body.removeChild(field);
    return ok;
  }

  document.addEventListener("input", function (event) {
    if (event.target.id === "scrub") { pause(); seek(Number(event.target.value)); }
  });

  document.addEventListener("change", function (event) {
    if (event.target.id === "speed") { player.speed = Number(event.target.value) || 1; }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var slider = target && ((target.tagName === "INPUT" && target.type === "range") ||
                            (target.getAttribute && target.getAttribute("role") === "slider"));
    var typing = target && !slider && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) ||
                                       (target.closest && target.closest(".dash-dropdown")));
    if (typing || event.altKey || event.ctrlKey || event.metaKey) return;
    // On a range slider the arrows, Home and End already move it (and so the playback); only space is ours.
    if (slider && event.key !== " " && event.code !== "Space") return;
    var big = event.shiftKey ? 10 : 1;
    if (event.key === " " || event.code === "Space") {
      event.preventDefault();
      spaceHandled = true;
      toggle();
    }
    else if (event.key === "PageDown" || event.key === "PageUp") {
      // A presenter's clicker sends these: the next or previous lesson.
      if (openLesson(event.key === "PageDown" ? 1 : -1)) event.preventDefault();
    }
    else if (event.key === "c" || event.key === "C") { foldCaption(); }
    else if (event.key === "ArrowRight") { event.preventDefault(); stepBy(big); }
    else if (event.key === "ArrowLeft") { event.preventDefault(); stepBy(-big); }
    else if (event.key === "Home") { event.preventDefault(); ACTIONS["to-start"](); }
    else if (event.key === "End") { event.preventDefault(); ACTIONS["to-end"](); }
  });

  // A focused button would also take the space bar as a click (on key-up); the space bar is play/pause here.
  var spaceHandled = false;
  document.addEventListener("keyup", function (event) {
    if ((event.key === " " || event.code === "Space") && spaceHandled) {
      spaceHandled = false;
      event.preventDefault();
    }
  });

  /* A click or a tap anywhere on the contour's plot sets the start to the point under it. Plotly's click event
   * names the nearest data point (and a tap on a touch screen may not make one), so the point is read from the
   * pointer and the axes. A double click (plotly's reset of the zoom) sets nothing. */
  var TAP_MOVE = 6, TAP_MS = 600, DOUBLE_MS = 300;
  function attachClick(gd) {
    if (gd._descentClick) return;
    gd._descentClick = true;
    var down = null, pending = null;
    gd.addEventListener("pointerdown", function (event) {
      var area = event.target.closest && event.target.closest(".nsewdrag");
      down = area && event.isPrimary && !player.dragging ? { x: event.clientX, y: event.clientY, at: performance.now() }
        : null;
    }, true);
    // On the window: plotly covers the page with its drag layer on a mouse press, so the release lands there.
    window.addEventListener("pointerup", function (event) {
      if (!down || !event.isPrimary) return;
      var moved = Math.hypot(event.clientX - down.x, event.clientY - down.y);
      var quick = performance.now() - down.at < TAP_MS;
      down = null;
      if (moved > TAP_MOVE || !quick) return;  // a drag: plotly's zoom or pan
      if (pending) { window.clearTimeout(pending); pending = null; return; }  // the second click of a double
      var at = { x: event.clientX, y: event.clientY };
      pending = window.setTimeout(function () { pending = null; setStartAt(gd, at.x, at.y); }, DOUBLE_MS);
    }, true);
  }

  function setStartAt(gd, clientX, clientY) {
    var layout = gd._fullLayout;
    if (!layout || performance.now() - (player.pathPicked || -1e9) < 1000) return;
    var xa = layout.xaxis, ya = layout.yaxis, box = gd.getBoundingClientRect();
    var x = xa.p2d(clientX - box.left - xa._offset);
    var y = ya.p2d(clientY - box.top - ya._offset);
    if (!isFinite(x) || !isFinite(y)) return;
    window.dash_clientside.set_props("click-start", {
      data: { x: roundTo(x, xa.range), y: roundTo(y, ya.range), at: Date.now() },
    });
  }
  lab.setStartAt = setStartAt;

  /* Round to about a thousandth of the visible span, so links stay short and the point is still exact
   * to the pixel. */
  function roundTo(value, range) {
    var span = Math.abs(range[1] - range[0]) || 1;
    var unit = Math.pow(10, Math.floor(Math.log10(span)) - 3);
    return Number((Math.round(value / unit) * unit).toPrecision(12));
  }

  /* Dragging the start marker or an lr slider re-runs while it moves. Only the latest value counts: one is sent
   * when nothing is in flight (no edit on its way and no result being computed or still to be drawn), and any
   * value that arrives meanwhile replaces the waiting one, so there is never a backlog of stale requests. */
  player.inFlight = 0;
  player.awaiting = false;  // an edit made a new query whose result is not drawn yet
  var live = { waiting: null, sent: 0 };
  function offerLive(change) {
    live.waiting = change;
    flushLive();
  }
  function flushLive() {
    var change = live.waiting;
    // A dragged start's paths count as in flight until they are drawn (Dash keeps only the newest answer of a
    // callback, so asking again before that would throw the last one away).
    var liveOut = live.askedAt && performance.now() - live.askedAt < 2000;
    if (!change || editBusy() || liveOut) return;
    live.waiting = null;
    live.sent += 1;
    if (change.kind === "start" && !change.last) {
      live.askedAt = performance.now();
      var url = "live.json?" + new URLSearchParams({ x: change.x, y: change.y, query: player.query }).toString();
      sendRequest(url).then(function (response) { return response.status === 200 ? response.json() : null; })
        .catch(function () { return null; }).then(liveIn);
    } else if (change.kind === "start") {
      window.dash_clientside.set_props("click-start", { data: { x: change.x, y: change.y, at: Date.now() } });
    } else {
      player.expectingSince = performance.now();
      window.dash_clientside.set_props({ type: "run-field", run: change.run, field: "lr" }, { value: change.value });
    }
  }
  lab.live = live;
  /* An edit is on its way from the moment a field is given a value (Dash sends the request a little later) until
   * its result is drawn. */
  function editBusy() {
    var expecting = player.expectingSince && performance.now() - player.expectingSince < 500;
    return player.inFlight > 0 || player.awaiting || expecting;
  }

  /* The paths from the dragged start, written over the plot's own until the release's full result is drawn. */
  function liveIn(data) {
    if (data && typeof data === "object" && data.runs && data.from === player.query && player.dragging) {
      player.liveRuns = data.runs.map(function (entry) {
        return { x: decode(entry.x), y: decode(entry.y), steps: decode(entry.steps) };
      });
      player.liveDrawn = (player.liveDrawn || 0) + 1;
      draw();
    }
    live.askedAt = 0;
    window.setTimeout(flushLive, 0);
  }
  lab.liveIn = liveIn;

  var GRAB_PX = 14;  // how near the start marker a press picks it up
  function startPixel(gd) {
    var start = gd._fullData.filter(function (t) { return t.meta && t.meta.role === "start"; })[0];
    if (!start) return null;
    var xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
    return { x: box.left + xa._offset + xa.c2p(start.x[0]), y: box.top + ya._offset + ya.c2p(start.y[0]),
             group: traceGroups(gd).filter(function (item) { return item.meta.role === "start"; })[0] };
  }
  function attachDrag(gd) {
    if (gd._descentDrag) return;
    gd._descentDrag = true;
    var dragging = null;
    function near(event) {
      var at = startPixel(gd);
      return at && Math.hypot(event.clientX - at.x, event.clientY - at.y) <= GRAB_PX ? at : null;
    }
    gd.addEventListener("pointermove", function (event) {
      if (dragging) return;
      var area = gd.querySelector(".nsewdrag");
      if (area) area.style.cursor = near(event) ? "grab" : "";
    });
    gd.addEventListener("pointerdown", function (event) {
      if (!event.isPrimary || !event.target.closest || !event.target.closest(".nsewdrag")) return;
      var at = near(event);
      if (!at) return;
      // Taken before plotly sees it: a cancelled pointerdown sends no mousedown, so no zoom box starts.
      event.preventDefault();
      event.stopPropagation();
      dragging = { id: event.pointerId, marker: at.group };
      player.dragging = true;
      try { event.target.setPointerCapture(event.pointerId); } catch (error) { /* not every target can */ }
    }, true);
    gd.addEventListener("touchstart", function (event) { if (dragging) event.stopPropagation(); }, true);
    // While dragging, plotly's hover (tens of milliseconds a move over the level lines) stays out of the way.
    ["mousemove", "mousedown", "mouseup", "touchmove"].forEach(function (type) {
      gd.addEventListener(type, function (event) { if (dragging) event.stopPropagation(); }, true);
    });
    function move(event, last) {
      if (!dragging || event.pointerId !== dragging.id) return;
      var layout = gd._fullLayout, xa = layout.xaxis, ya = layout.yaxis, box = gd.getBoundingClientRect();
      var px = Math.max(0, Math.min(xa._length, event.clientX - box.left - xa._offset));
      var py = Math.max(0, Math.min(ya._length, event.clientY - box.top - ya._offset));
      // The marker follows the pointer at once; the paths follow as results come back.
      var point = dragging.marker && dragging.marker.group.querySelector(".points path.point");
      if (point) point.setAttribute("transform", "translate(" + px.toFixed(1) + "," + py.toFixed(1) + ")");
      offerLive({ kind: "start", x: roundTo(xa.p2d(px), xa.range), y: roundTo(ya.p2d(py), ya.range), last: last });
      if (last) { dragging = null; player.dragging = false; player.pathPicked = performance.now(); }
    }
    window.addEventListener("pointermove", function (event) { move(event, false); }, true);
    window.addEventListener("pointerup", function (event) { move(event, true); }, true);
    window.addEventListener("pointercancel", function (event) { move(event, true); }, true);
  }

  /* While a result takes longer than BUSY_AFTER ms, cover the plots with "computing… 1.2 s" instead of showing
   * the stale result. The run callback's requests are counted as they go out and come back. */
  var BUSY_AFTER = 300;
  player.computing = 0;
  player.busySince = null;
  var sendRequest = window.fetch;
  window.fetch = function (resource, init) {
    var body = init && typeof init.body === "string" ? init.body : "";
    // The run and the sweep callbacks, and an edit that tunes (which steps a sweep).
    var heavy = body.indexOf('"output":"..contour.figure.') >= 0 || body.indexOf('"output":"..sweep-plot.figure.') >= 0 ||
      (body.indexOf('"output":"..query.data.') >= 0 && /run-tune|tune-all\.n_clicks/.test(changed(body)));
    var editing = body.indexOf('"output":"..query.data.') >= 0 || body.indexOf('"output":"..contour.figure.') >= 0;
    if (editing) {
      player.inFlight += 1;
      player.expectingSince = 0;
      // Done when the whole answer has arrived, and a moment later: by then Dash has applied it, and an answer
      // that made a new query has marked its result as awaited.
      var finished = function () { window.setTimeout(function () { player.inFlight -= 1; flushLive(); }, 50); };
      var whole = function (response) { response.clone().text().then(finished, finished); return response; };
      var failed = function (error) { finished(); throw error; };
      if (!heavy) return sendRequest.apply(this, arguments).then(whole, failed);
    }
    if (!heavy) return sendRequest.apply(this, arguments);
    player.computing += 1;
    if (player.busySince === null) player.busySince = performance.now();
    var request = editing ? sendRequest.apply(this, arguments).then(whole, failed) : sendRequest.apply(this, arguments);
    return request.finally(function () {
      player.computing -= 1;
      if (!player.computing) player.busySince = null;
      showBusy();
    });
  };
  function changed(body) {
    var match = body.match(/"changedPropIds":\[(.*?)\]/);
    return match ? match[1] : "";
  }
  function showBusy() {
    var cover = document.getElementById("computing");
    if (!cover) return;
    var elapsed = player.busySince === null ? 0 : performance.now() - player.busySince;
    if (elapsed < BUSY_AFTER) {
      if (!cover.hidden) cover.hidden = true;
      return;
    }
    cover.textContent = (cover.dataset.text || "computing… {seconds} s").replace("{seconds}", (elapsed / 1000).toFixed(1));
    cover.hidden = false;
  }
  window.setInterval(showBusy, 100);

  lab.syncLr = function (sliderValue, fieldValue) {
    var context = window.dash_clientside.callback_context;
    var fromSlider = context.triggered.some(function (t) { return t.prop_id.indexOf("lr-slider") >= 0; });
    if (fromSlider && typeof sliderValue === "number") {
      lab.lastSlider = sliderValue;
      var value = Number(Math.pow(10, sliderValue).toPrecision(3));
      // While the slider is dragged its value changes many times a second: the field (and so a re-run) takes
      // only the latest, when nothing is in flight.
      if (editBusy()) {
        var id = JSON.parse(context.triggered[0].prop_id.split(".")[0]);
        offerLive({ kind: "lr", run: id.run, value: value });
        return [noUpdate(), noUpdate()];
      }
      player.expectingSince = performance.now();
      return [noUpdate(), value];
    }
    var typed = typeof fieldValue === "string" ? Number(fieldValue.trim() || NaN) : fieldValue;
    if (typeof typed === "number" && isFinite(typed) && typed > 0) {
      // The field took the slider's own value: leave the thumb where the hand is.
      if (typeof sliderValue === "number" && Math.abs(sliderValue - Math.log10(typed)) < 0.005) return [noUpdate(), noUpdate()];
      return [Math.log10(typed), noUpdate()];
    }
    return [noUpdate(), noUpdate()];
  };

  var DOWNLOAD_ICON = {
    width: 1000, height: 1000,
    path: "M430 80h140v420h150L500 740 280 500h150z M120 660h120v140h520V660h120v260H120z",
    transform: "matrix(1 0 0 -1 0 1000)",
  };

  lab.graphConfig = function (config, view) {
    return Object.assign({}, config, {
      modeBarButtonsToAdd: [{
        name: "download-svg", title: (view && view.svg) || "Download plot as an SVG", icon: DOWNLOAD_ICON,
        click: function (gd) { window.Plotly.downloadImage(gd, { format: "svg", filename: "descent-lab" }); },
      }],
    });
  };
})();
