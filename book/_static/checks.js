/* Check-your-understanding items on the static website (CONTRIBUTING.md, convention 1).
 *
 * The lessons' stored outputs carry each check as plain HTML (`.series-check`): the question,
 * the options as radio buttons, a hint, one feedback per option and a <details> with the answer,
 * so the page is usable without JavaScript. This script makes the "Check my answer" button work:
 *   no option chosen       -> "Choose an option first."
 *   first wrong answer     -> the hint and that option's feedback; one more try
 *   second wrong, or right -> that option's feedback and the correct option's feedback
 * No kernel, no network, keyboard operable (native radio buttons and a real <button>).
 */
(function () {
  "use strict";

  function show(el, visible) {
    if (el) { el.hidden = !visible; }
  }

  function setUp(check) {
    if (check.dataset.seriesCheckReady) { return; }
    check.dataset.seriesCheckReady = "true";
    check.classList.add("series-check-ready");
    var button = check.querySelector(".series-check-submit");
    var status = check.querySelector(".series-check-status");
    var hint = check.querySelector(".series-check-hint");
    var feedback = Array.prototype.slice.call(check.querySelectorAll(".series-check-feedback"));
    var correct = check.querySelector('.series-check-feedback[data-correct="true"]');
    var wrongTries = 0;
    if (!button || !status) { return; }

    button.addEventListener("click", function () {
      var chosen = check.querySelector('input[type="radio"]:checked');
      feedback.forEach(function (el) { show(el, false); el.classList.remove("series-check-chosen"); });
      if (!chosen) {
        status.textContent = "Choose an option first.";
        return;
      }
      var mine = check.querySelector('.series-check-feedback[data-option="' + chosen.value + '"]');
      if (mine) { mine.classList.add("series-check-chosen"); }
      show(mine, true);
      var right = mine && mine.getAttribute("data-correct") === "true";
      if (right) {
        status.textContent = "Correct.";
        check.dataset.result = "correct";
        return;
      }
      wrongTries += 1;
      if (wrongTries === 1) {
        show(hint, true);
        status.textContent = "Not quite. Read the hint and try once more.";
        check.dataset.result = "retry";
      } else {
        show(correct, true);
        status.textContent = "Not quite. The correct answer is shown below your choice.";
        check.dataset.result = "shown";
      }
    });
  }

  function setUpAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".series-check"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
