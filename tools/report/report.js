// The report's own script: one asciinema player per session, each fed the
// cast embedded in the page (a file:// page cannot fetch its casts). The
// hash "#play=SESSION&speed=N" starts that session at once, N times faster;
// links marked "play" start their session. A player that reaches its end
// marks its element data-ended="true" and adds the session to
// document.body's data-ended, so that a test can tell it played through.
(function () {
  "use strict";
  const params = new URLSearchParams(location.hash.slice(1));
  const autoplay = params.get("play");
  const speed = parseFloat(params.get("speed") || "1") || 1;
  const players = {};
  for (const el of document.querySelectorAll(".player")) {
    const id = el.dataset.session;
    const cast = JSON.parse(document.getElementById("cast-" + id).textContent);
    const options = { fit: "width", speed: id === autoplay ? speed : 1, autoPlay: id === autoplay };
    const limit = parseFloat(el.dataset.idleTimeLimit);
    if (limit > 0) options.idleTimeLimit = limit;
    const player = AsciinemaPlayer.create({ data: cast }, el, options);
    player.addEventListener("ended", () => {
      el.dataset.ended = "true";
      document.body.dataset.ended = ((document.body.dataset.ended || "") + " " + id).trim();
    });
    players[id] = player;
  }
  for (const link of document.querySelectorAll("a.play")) {
    link.addEventListener("click", () => {
      const player = players[link.dataset.session];
      if (player) player.play();
    });
  }
})();
