// ChainMind site. ipywidgets' html-manager typesets labels with the MathJax 2 API
// (MathJax.Hub.Queue); the site ships MathJax 3, so give it that one call.
(function () {
  function shim() {
    var mj = window.MathJax;
    if (!mj || mj.Hub || !mj.typesetPromise) {
      return;
    }
    mj.Hub = {
      Queue: function (command) {
        var element = command && command[2];
        mj.typesetPromise(element ? [element] : undefined).catch(function () {});
      },
    };
  }
  document.addEventListener("DOMContentLoaded", shim);
  window.addEventListener("load", shim);
})();
