// Keeps ReDoc on local assets: its sidebar footer loads the Redocly logo from cdn.redoc.ly, which the
// docs' Content-Security-Policy forbids (and which would tell a third party who reads the docs).
// Point that one image at a local copy, however ReDoc sets it, before ReDoc renders.
(function () {
  var REMOTE_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg";
  var script = document.currentScript;
  var localLogo = script && script.getAttribute("data-logo");
  function local(value) {
    return value === REMOTE_LOGO ? localLogo : value;
  }
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    return setAttribute.call(this, name, name === "src" ? local(value) : value);
  };
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: src.get,
    set: function (value) {
      src.set.call(this, local(value));
    },
  });
})();
