// Follows the reader's choice of item: marks its quote in the article text and scrolls
// the text to it.  The page reads the same without this script.  Only textContent is
// used to write into the page.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("evidence-data").textContent).items;
  var pane = document.getElementById("texts");
  var caption = document.getElementById("caption-text");
  var wide = window.matchMedia("(min-width: 1000px)");

  function marksOf(id) {
    return Array.prototype.filter.call(document.querySelectorAll("mark[data-items]"), function (m) {
      return m.getAttribute("data-items").split(" ").indexOf(id) !== -1;
    });
  }

  function describe(id, item, origin) {
    caption.textContent = "";
    var back = document.createElement("a");
    back.href = "#" + (origin || "item-" + id);
    back.textContent = "\u2191 " + id;
    back.title = "back to the item";
    caption.appendChild(back);
    var words = item.alignment === "exact" ? "exact quote" : item.alignment === "fuzzy" ? "fuzzy match" : "quote not found";
    if (!item.verified) words += ", unverified";
    caption.appendChild(document.createTextNode(" " + words + " in " + item.article + " "));
    var title = document.createElement("span");
    title.className = "title";
    title.textContent = item.title;
    caption.appendChild(title);
  }

  // origin: the id of the list entry (or section) the reader chose the item from, to go back to.
  function select(id, scroll, origin) {
    var item = data[id];
    if (!item || !item.located) return;
    Array.prototype.forEach.call(document.querySelectorAll("mark.current"), function (m) {
      m.classList.remove("current");
    });
    var marks = marksOf(id);
    marks.forEach(function (m) { m.classList.add("current"); });
    describe(id, item, origin);
    if (!scroll || !marks.length) return;
    if (wide.matches) {
      // The text pane scrolls on its own; the brief stays where the reader is.
      var offset = marks[0].getBoundingClientRect().top - pane.getBoundingClientRect().top;
      pane.scrollTop += offset - pane.clientHeight / 3;
    } else {
      marks[0].scrollIntoView({ block: "center" });
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.show[data-item]");
    if (!link) return;
    event.preventDefault();
    var id = link.getAttribute("data-item");
    history.pushState(null, "", "#ev-" + id);
    var origin = link.closest("li[id], section[id]");
    select(id, true, origin && origin.id);
  });

  // On a wide screen, opening an item shows its quote beside it.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (printing || !wide.matches || !details.open || !details.parentElement) return;
    var link = details.querySelector("a.show[data-item]");
    var origin = details.closest("li[id], section[id]");
    if (link) select(link.getAttribute("data-item"), true, origin && origin.id);
  }, true);

  // A printed brief shows every quote.
  var printing = false;
  window.addEventListener("beforeprint", function () {
    printing = true;
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    setTimeout(function () { printing = false; }, 0);  // after the queued toggle events
  });

  function fromHash() {
    var hash = decodeURIComponent(location.hash.slice(1));
    if (hash.indexOf("ev-") === 0) select(hash.slice(3), false);
  }
  window.addEventListener("popstate", fromHash);
  fromHash();
})();
