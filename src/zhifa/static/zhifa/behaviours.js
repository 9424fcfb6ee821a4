// Small page behaviours, kept out of the HTML so the Content-Security-Policy can forbid inline script
// (zhifa.core.guards). Each is switched on by a data- attribute.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el instanceof HTMLElement && el.hasAttribute("data-autosubmit") && el.form) el.form.submit();
});
document.addEventListener("click", function (event) {
  var el = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (el) window.print();
  var locate = event.target instanceof Element ? event.target.closest("[data-locate]") : null;
  if (locate && navigator.geolocation) {
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.querySelector("[name=latitude]").value = pos.coords.latitude.toFixed(6);
      document.querySelector("[name=longitude]").value = pos.coords.longitude.toFixed(6);
    });
  }
});
// htmx failures that are not one of our refusals (those are 4xx fragments swapped in place, see the
// htmx-config in base.html): say so next to what was being done instead of leaving the page silent or
// replacing it with a bare error page.
function zhifaReportFailure(event, text) {
  var target = (event.detail && (event.detail.target || event.detail.elt)) || document.querySelector("main");
  if (!(target instanceof Element)) return;
  var main = document.querySelector("main");
  var message = text || (main && main.getAttribute("data-error-fallback")) || "Error";
  var box = target.previousElementSibling;
  if (!(box && box.classList.contains("htmx-failure"))) {
    box = document.createElement("div");
    box.className = "errors htmx-failure";
    box.setAttribute("role", "alert");
    target.parentNode.insertBefore(box, target);
  }
  box.textContent = message;
}
document.addEventListener("htmx:responseError", function (event) {
  var xhr = event.detail.xhr;
  var text = "";
  if (xhr && /json/.test(xhr.getResponseHeader("Content-Type") || "")) {
    try { text = JSON.parse(xhr.responseText).message || ""; } catch (e) { text = ""; }
  }
  zhifaReportFailure(event, text);
});
document.addEventListener("htmx:sendError", function (event) { zhifaReportFailure(event, ""); });
document.addEventListener("htmx:beforeRequest", function (event) {
  var target = event.detail.target;
  var box = target && target.previousElementSibling;
  if (box && box.classList.contains("htmx-failure")) box.remove();
});
// A choice list that follows another in the same form: <select data-follows="power_item_id"> keeps
// only the options whose data-parent is the value chosen there (tiers follow the power item, items
// follow the agency). A choice that no longer fits is cleared rather than silently kept.
function zhifaFollow(select) {
  var form = select.form;
  if (!form) return;
  var leader = form.elements.namedItem(select.getAttribute("data-follows"));
  if (!leader || !("value" in leader)) return;
  var parent = leader.value;
  Array.prototype.forEach.call(select.options, function (option) {
    var own = option.getAttribute("data-parent");
    var fits = !own || own === parent;
    option.hidden = !fits;
    option.disabled = !fits;
    if (!fits && option.selected) select.value = "";
  });
}
function zhifaFollowersOf(leader) {
  if (!leader.form || !leader.name) return [];
  return Array.prototype.filter.call(leader.form.querySelectorAll("select[data-follows]"), function (s) {
    return s.getAttribute("data-follows") === leader.name;
  });
}
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el instanceof HTMLSelectElement) zhifaFollowersOf(el).forEach(zhifaFollow);
});
// A long choice list gets a search box: <select data-searchable="placeholder"> filters its options by
// what is typed (code or name); the first match is chosen when nothing (or a hidden one) was.
function zhifaSearchable(select) {
  if (select.getAttribute("data-search-ready")) return;
  select.setAttribute("data-search-ready", "1");
  var box = document.createElement("input");
  box.type = "search";
  box.className = "option-search";
  box.placeholder = select.getAttribute("data-searchable") || "";
  box.setAttribute("aria-label", box.placeholder);
  box.addEventListener("input", function () {
    var words = box.value.trim().toLowerCase();
    var first = null;
    Array.prototype.forEach.call(select.options, function (option) {
      if (option.disabled) return; // not for the choice made in the list it follows
      var match = !words || option.text.toLowerCase().indexOf(words) !== -1 || option.value === "";
      option.hidden = !match;
      if (match && option.value && !first) first = option;
    });
    var current = select.selectedOptions.length ? select.selectedOptions[0] : null;
    if (first && words && (!current || current.hidden || current.value === "")) {
      select.value = first.value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  select.parentNode.insertBefore(box, select);
}
function zhifaEnhance(root) {
  root.querySelectorAll("select[data-follows]").forEach(zhifaFollow);
  root.querySelectorAll("select[data-searchable]").forEach(zhifaSearchable);
}
document.addEventListener("DOMContentLoaded", function () { zhifaEnhance(document); });
document.addEventListener("htmx:afterSwap", function (event) {
  if (event.target instanceof Element) zhifaEnhance(event.target.parentNode || event.target);
});
