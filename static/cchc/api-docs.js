// Swagger UI of the API, read from the page's data attribute (no inline script: a strict
// Content-Security-Policy can forbid them). Writes carry the CSRF token of the session.
(function () {
  "use strict";
  var box = document.getElementById("swagger-ui");
  if (!box || !window.SwaggerUIBundle) return;
  window.ui = SwaggerUIBundle({
    url: box.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    requestInterceptor: function (req) {
      var m = document.cookie.match(/csrftoken=([^;]+)/);
      if (m) { req.headers["X-CSRFToken"] = m[1]; }
      return req;
    }
  });
})();
