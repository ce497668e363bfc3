// Draws what the page carries as data (the JSON block "brief-data") when the reader asks
// for it: an article's text with the chosen item's quote marked, and each part of the
// appendix.  Follows the reader's choice of item.  Only textContent and DOM calls write
// into the page, never markup.  Without this script the page still reads: the top of the
// brief, the story sections and their quotes.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var source = document.getElementById("brief-data");
  var pane = document.getElementById("texts");
  var view = document.getElementById("text-view");
  var caption = document.getElementById("caption-text");
  var wide = window.matchMedia("(min-width: 1000px)");
  var own = Object.prototype.hasOwnProperty;
  var parsed = null, spans = null, anchors = null, articleIndex = null;
  var shown = -1;             // the article in the pane
  var drawn = {};             // part id -> what of it is drawn
  var lazy = new WeakMap();   // an entry's <details> -> the entry, until its evidence is drawn
  var printing = false;
  var PAGE = 500;             // appendix entries drawn at a time

  // Elements a line's segments may become, by code (html_appendix.py writes the codes).
  var CODES = {
    id: ["span", "id"], b: ["strong", ""], k: ["span", "kind"], v: ["strong", "value"], r: ["span", "rule"],
    p: ["span", "path"], cite: ["cite", ""], vs: ["em", "versus"], em: ["em", ""], about: ["span", "about"],
    forms: ["span", "forms"], cites: ["span", "cites"], time: ["time", ""], q: ["blockquote", "quote"],
    tag: ["span", "tag"], agree: ["span", "tag agree"], conflict: ["span", "tag conflict"],
    unverified: ["span", "tag unverified"], failed: ["span", "tag failed"],
    support: ["strong", "polarity support"], oppose: ["strong", "polarity oppose"],
    neutral: ["strong", "polarity neutral"], mixed: ["strong", "polarity mixed"]
  };
  var STYLES = { exact: "exact", fuzzy: "fuzzy", unverified: "unverified" };
  var LISTS = { articles: "ol.articles", actors: "ul.actors", "figure-groups": "ul.groups", timeline: "ol.timeline", coverage: "ul.coverage" };

  function data() {
    if (!parsed) parsed = JSON.parse(source.textContent);
    return parsed;
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function add(parent, child) {
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    return child;
  }

  // An item: [article, start, end, alignment, verified, score, quote]; see html_data.py.
  function item(id) {
    var items = data().items;
    return own.call(items, id) ? items[id] : null;
  }
  function placed(it) { return it !== null && typeof it[0] === "number" && it[1] !== null && data().texts[it[0]] !== null; }
  function styleOf(it) { return it[4] ? STYLES[it[3]] || "" : "unverified"; }
  function quoteOf(it) { return it[6] !== null ? it[6] : data().texts[it[0]].slice(it[1], it[2]); }

  function articleRef(a) {
    var span = el("span", "art");
    var ref = typeof a === "number" ? data().articles[a] : null;  // [id, label, title, outlet, date, path]
    if (!ref) {
      add(span, "article " + a);
      return span;
    }
    if (ref[3]) { add(span, el("b", "", ref[3])); add(span, ", "); }
    add(span, (ref[4] || "undated") + " \u00b7 " + ref[1] + " ");
    add(span, el("cite", "", ref[2]));
    return span;
  }

  function link(text, target, className) {
    var a = el("a", className, text);
    a.setAttribute("href", "#" + target);
    return a;
  }

  function showLink(id) {
    var wrap = el("span", "needs-js", " \u00b7 ");
    var a = add(wrap, link("show in article", "ev-" + id, "show"));
    a.setAttribute("data-item", id);
    return wrap;
  }

  // The same block as the template's `evidence` macro.
  function evidence(id) {
    var it = item(id), box = el("div", "evidence");
    if (!it) return box;
    add(box, el("blockquote", "quote " + styleOf(it), quoteOf(it)));
    var src = add(box, el("p", "src"));
    add(src, articleRef(it[0]));
    add(src, " \u00b7 ");
    if (it[3] === "exact") add(src, el("span", "tag exact", "exact quote"));
    else if (it[3] === "fuzzy") add(src, el("span", "tag fuzzy", "fuzzy match" + (it[5] !== null ? " (" + it[5] + "/100)" : "")));
    else add(src, el("span", "tag unaligned", "quote not found in the article"));
    if (!it[4]) { add(src, " "); add(src, el("span", "tag unverified", "unverified")); }
    if (placed(it)) add(src, showLink(id));
    return box;
  }

  // A line: text, links within the page, and elements chosen by code (never markup).
  function line(parent, segments) {
    segments.forEach(function (s) {
      if (typeof s === "string") add(parent, s);
      else if (s[0] === "a") add(parent, link(s[1], s[2]));
      else if (s[0] === "br") add(parent, el("br"));
      else if (s[0] === "art") add(parent, articleRef(s[1]));
      else if (s[0] === "src") add(add(parent, el("p", "src")), articleRef(s[1]));
      else {
        var code = own.call(CODES, s[0]) ? CODES[s[0]] : ["span", ""];
        add(parent, el(code[0], code[1], s[1]));
      }
    });
    return parent;
  }

  // ---------------------------------------------------------------- the appendix

  function entry(e) {
    var li = el("li", e.c === "failed" ? "failed" : "");
    if (e.i) li.id = "item-" + e.i;
    if (!e.e && !e.s) return line(li, e.l);
    li.className = "item";
    var details = add(li, el("details"));
    line(add(details, el("summary")), e.l);
    lazy.set(details, e);
    return li;
  }

  // An entry's evidence (or its sides), drawn the first time it opens.
  function fill(details) {
    var e = lazy.get(details);
    if (!e) return;
    lazy.delete(details);
    if (e.e) { add(details, evidence(e.e)); return; }
    var sides = add(details, el("ul", "sides"));
    e.s.forEach(function (side) {
      var li = add(sides, el("li"));
      if (side[0]) li.id = "item-" + side[0];
      line(li, side[1]);
      add(li, evidence(side[2]));
    });
  }

  // Draws a part's entries through entry `through`, PAGE at least (a week has thousands);
  // a button below the last one draws the next PAGE.
  function draw(details, through) {
    var id = details.getAttribute("data-part");
    var part = drawn[id];
    if (!part) {
      var kind = (own.call(LISTS, id) ? LISTS[id] : "ul.items").split(".");
      part = drawn[id] = { entries: own.call(data().parts, id) ? data().parts[id] : [], elements: [], list: null, kind: kind };
      part.more = el("button", "more-entries");
      part.more.type = "button";
      part.more.addEventListener("click", function () { draw(details, part.elements.length + PAGE - 1); });
    }
    var end = Math.min(part.entries.length, Math.max(PAGE, through + 1));
    if (end <= part.elements.length) return part.elements;
    for (var n = part.elements.length; n < end; n++) {
      var e = part.entries[n];
      if (e.h !== undefined) {
        add(details, el("h4", "", e.h));
        part.list = null;
        part.elements.push(null);
        continue;
      }
      if (!part.list) part.list = add(details, el(part.kind[0], part.kind[1] + " entries"));
      part.elements.push(add(part.list, entry(e)));
    }
    var left = part.entries.length - part.elements.length;
    if (left > 0) {
      part.more.textContent = "Show " + Math.min(left, PAGE).toLocaleString("en") + " more (" + left.toLocaleString("en") + " not shown)";
      add(details, part.more);
    } else if (part.more.parentNode) {
      part.more.parentNode.removeChild(part.more);
    }
    return part.elements;
  }

  function openPart(section, through) {
    var details = section.querySelector("details[data-part]");
    if (!details) return;
    draw(details, through || 0);
    details.open = true;
  }

  // Which part, and which entry of it, draws the anchor item-<id>.
  function anchorOf(id) {
    if (!anchors) {
      anchors = {};
      var parts = data().parts;
      Object.keys(parts).forEach(function (p) {
        parts[p].forEach(function (e, n) {
          if (e.i) anchors[e.i] = [p, n];
          (e.s || []).forEach(function (side) { if (side[0]) anchors[side[0]] = [p, n]; });
        });
      });
    }
    return own.call(anchors, id) ? anchors[id] : null;
  }

  function openAnchor(id) {
    var where = anchorOf(id);
    if (!where) return null;
    var section = document.getElementById(where[0]);
    if (!section) return null;
    openPart(section, where[1]);
    var li = drawn[where[0]].elements[where[1]];
    var details = li && li.querySelector("details");
    if (details && li.id !== "item-" + id) { fill(details); details.open = true; }
    return document.getElementById("item-" + id);
  }

  // ---------------------------------------------------------------- the article text

  // The located items of article a: [id, start, end, style].
  function spansOf(a) {
    if (!spans) {
      spans = {};
      var items = data().items;
      Object.keys(items).forEach(function (id) {
        var it = items[id];
        if (!placed(it) || !(it[1] < it[2])) return;
        (spans[it[0]] = spans[it[0]] || []).push([id, it[1], it[2], styleOf(it)]);
      });
    }
    return spans[a] || [];
  }

  // The text cut at every quote's ends; each run marked with the items covering it.
  function body(text, found) {
    var div = el("div", "body");
    var cuts = [0, text.length];
    found.forEach(function (s) { cuts.push(s[1], s[2]); });
    cuts = cuts.filter(function (c) { return c <= text.length; }).sort(function (x, y) { return x - y; });
    for (var n = 0; n < cuts.length - 1; n++) {
      var a = cuts[n], b = cuts[n + 1];
      if (a === b) continue;
      var covering = found.filter(function (s) { return s[1] <= a && b <= s[2]; });
      found.forEach(function (s) {
        if (s[1] !== a) return;
        var anchor = add(div, el("span", "ev"));
        anchor.id = "ev-" + s[0];
        anchor.setAttribute("data-item", s[0]);
        anchor.setAttribute("data-label", s[0]);
      });
      if (!covering.length) { add(div, text.slice(a, b)); continue; }
      var styles = covering.map(function (s) { return s[3]; }).filter(function (x, i, all) { return x && all.indexOf(x) === i; }).sort();
      var mark = add(div, el("mark", ["hl"].concat(styles).join(" "), text.slice(a, b)));
      mark.setAttribute("data-items", covering.map(function (s) { return s[0]; }).join(" "));
    }
    return div;
  }

  function showArticle(a) {
    if (shown === a) return view.firstChild;
    var ref = data().articles[a], text = data().texts[a];
    var article = el("article", "text");
    article.id = "text-" + ref[0];
    var title = add(article, el("h2"));
    add(title, el("span", "id", ref[1]));
    add(title, " " + ref[2]);
    var src = add(article, el("p", "src"));
    if (ref[3]) { add(src, el("b", "", ref[3])); add(src, " \u00b7 "); }
    add(src, (ref[4] || "undated") + " \u00b7 ");
    add(src, el("span", "path", ref[5]));
    if (text === null) add(article, el("p", "note", "The article's text was not given to the page."));
    else add(article, body(text, spansOf(a)));
    view.textContent = "";
    view.appendChild(article);
    shown = a;
    caption.textContent = "";
    add(caption, ref[1] + " ");
    add(caption, el("span", "title", ref[2]));
    return article;
  }

  function articleOf(id) {
    if (!articleIndex) {
      articleIndex = {};
      data().articles.forEach(function (ref, n) { articleIndex[ref[0]] = n; });
    }
    return own.call(articleIndex, id) ? articleIndex[id] : -1;
  }

  function describe(id, it, origin) {
    caption.textContent = "";
    var back = add(caption, link("\u2191 " + id, origin || "item-" + id));
    back.title = "back to the item";
    var words = it[3] === "exact" ? "exact quote" : it[3] === "fuzzy" ? "fuzzy match" : "quote not found";
    if (!it[4]) words += ", unverified";
    add(caption, " " + words + " in " + data().articles[it[0]][1] + " ");
    add(caption, el("span", "title", data().articles[it[0]][2]));
  }

  function marksOf(id) {
    return Array.prototype.filter.call(view.querySelectorAll("mark[data-items]"), function (m) {
      return m.getAttribute("data-items").split(" ").indexOf(id) !== -1;
    });
  }

  // origin: the id of the list entry (or section) the reader chose the item from, to go back to.
  function select(id, scroll, origin) {
    var it = item(id);
    if (!placed(it)) return;
    showArticle(it[0]);
    Array.prototype.forEach.call(view.querySelectorAll("mark.current"), function (m) { m.classList.remove("current"); });
    var marks = marksOf(id);
    marks.forEach(function (m) { m.classList.add("current"); });
    describe(id, it, origin);
    if (!scroll || !marks.length) return;
    if (wide.matches) {
      // The text pane scrolls on its own; the brief stays where the reader is.
      var offset = marks[0].getBoundingClientRect().top - pane.getBoundingClientRect().top;
      pane.scrollTop += offset - pane.clientHeight / 3;
    } else {
      marks[0].scrollIntoView({ block: "center" });
    }
  }

  // Draws whatever the fragment `target` names (an article, an item of the appendix, a
  // part) and returns its element, so that the browser's own move to it finds it.
  function reveal(target) {
    if (target.indexOf("text-") === 0 && articleOf(target.slice(5)) !== -1) return showArticle(articleOf(target.slice(5)));
    if (target.indexOf("ev-") === 0) { select(target.slice(3), false); return document.getElementById(target); }
    var found = document.getElementById(target);
    if (!found && target.indexOf("item-") === 0) found = openAnchor(target.slice(5));
    if (found && found.classList.contains("part")) openPart(found);
    return found;
  }

  document.addEventListener("click", function (event) {
    var a = event.target.closest ? event.target.closest("a[href^='#']") : null;
    if (!a) return;
    var id = a.getAttribute("data-item");
    if (id && a.classList.contains("show")) {
      event.preventDefault();
      history.pushState(null, "", "#ev-" + id);
      var origin = a.closest("li[id], section[id]");
      select(id, true, origin && origin.id);
      return;
    }
    reveal(decodeURIComponent(a.getAttribute("href").slice(1)));  // the browser then moves to it
  });

  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.open) return;
    if (details.hasAttribute("data-part")) { draw(details, 0); return; }
    fill(details);
    // On a wide screen, opening an item shows its quote beside it.
    if (printing || !wide.matches || !details.parentElement) return;
    var show = details.querySelector("a.show[data-item]");
    var origin = details.closest("li[id], section[id]");
    if (show) select(show.getAttribute("data-item"), true, origin && origin.id);
  }, true);

  // A printed brief shows every part and every quote.
  window.addEventListener("beforeprint", function () {
    printing = true;
    Array.prototype.forEach.call(document.querySelectorAll("details[data-part]"), function (d) { draw(d, Infinity); });
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { fill(d); d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    setTimeout(function () { printing = false; }, 0);  // after the queued toggle events
  });

  function fromHash() {
    var target = decodeURIComponent(location.hash.slice(1));
    if (!target) return;
    if (target.indexOf("ev-") === 0) { select(target.slice(3), true); return; }
    var found = reveal(target);  // drawn after the browser looked for it: move to it now
    if (found) found.scrollIntoView();
  }
  window.addEventListener("popstate", fromHash);
  fromHash();
})();
