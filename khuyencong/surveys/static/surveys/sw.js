/* Service worker of the survey form (served at /surveys/sw.js, so its scope is /surveys/).
 *
 * The form page and the static files it uses are answered from the network when there is
 * one (and kept), and from what was kept when there is none: a collaborator who opened the
 * form once can open it again in the field without a network. The first opening is kept by
 * the page itself (offline.js), since it was fetched before this worker started; the cache
 * name is the one the page is given (data-cache on the form). Responses themselves never go
 * through here: offline.js keeps them on the device until the office has them.
 */
"use strict";
var CACHE = "kc-survey-v1";
var FORM = /\/surveys\/campaigns\/\d+\/respond\/$/;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (!FORM.test(url.pathname) && url.pathname.indexOf("/static/") !== 0) return;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      // ignoreVary: the copy kept by the page's own request (offline.js) answers the
      // navigation too, whatever headers each carried.
      return caches.match(request, { ignoreVary: true }).then(function (hit) {
        return hit || Response.error();
      });
    })
  );
});
