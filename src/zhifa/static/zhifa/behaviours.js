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
