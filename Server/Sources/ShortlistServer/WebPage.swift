/// The page `GET /` serves: pick a pipeline and a user (or a new user's liked items), see the
/// recommendations with each stage's share of the ranker's score drawn as a bar, the plain
/// sentence, and why another item was not recommended. Plain HTML, CSS and JavaScript compiled
/// into the binary: no front-end build step, no files beside the server.
enum WebPage {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Shortlist</title>
        <style>
          :root { --good: #2f7d4f; --bad: #b8423a; --ink: #1d2430; --soft: #6b7380; --line: #dde1e6; }
          body { font: 15px/1.45 system-ui, sans-serif; color: var(--ink); margin: 0; background: #f6f7f9; }
          header { background: var(--ink); color: white; padding: 12px 24px; }
          header h1 { font-size: 19px; margin: 0; }
          main { max-width: 980px; margin: 0 auto; padding: 16px 24px; }
          form { display: flex; flex-wrap: wrap; gap: 12px; align-items: end; background: white;
            border: 1px solid var(--line); border-radius: 8px; padding: 14px; }
          label { display: flex; flex-direction: column; font-size: 13px; color: var(--soft); gap: 4px; }
          input, select, button { font: inherit; padding: 6px 8px; border: 1px solid var(--line);
            border-radius: 5px; }
          input.wide { width: 260px; }
          button { background: var(--ink); color: white; cursor: pointer; }
          #status { color: var(--soft); margin: 10px 2px; min-height: 1.4em; }
          #status.error { color: var(--bad); }
          ol { list-style: none; padding: 0; margin: 0; }
          li.item { background: white; border: 1px solid var(--line); border-radius: 8px; margin: 10px 0;
            padding: 12px 14px; }
          .head { display: flex; gap: 10px; align-items: baseline; }
          .rank { font-weight: 700; color: var(--soft); width: 2em; }
          .title { font-weight: 600; flex: 1; }
          .score, .meta { color: var(--soft); font-size: 13px; }
          .summary { margin: 6px 0 8px 2.6em; }
          .bars { margin-left: 2.6em; display: grid; grid-template-columns: 9em 1fr 5em; gap: 3px 8px;
            font-size: 13px; align-items: center; }
          .track { position: relative; height: 12px; background: #eef0f3; border-radius: 3px; }
          .track::after { content: ""; position: absolute; left: 50%; top: -2px; bottom: -2px;
            width: 1px; background: var(--soft); }
          .bar { position: absolute; top: 0; bottom: 0; border-radius: 3px; }
          .bar.up { background: var(--good); left: 50%; }
          .bar.down { background: var(--bad); right: 50%; }
          .value { text-align: right; font-variant-numeric: tabular-nums; }
          #whynot { background: white; border: 1px solid var(--line); border-radius: 8px; padding: 14px;
            margin-top: 16px; }
          #whynot h2 { font-size: 16px; margin: 0 0 8px; }
          #verdict { margin: 10px 0 4px; font-weight: 600; }
          #why-stages { margin: 0; padding-left: 18px; }
        </style>
        </head>
        <body>
        <header><h1>Shortlist</h1></header>
        <main>
          <form id="ask">
            <label>Pipeline <select id="pipeline"></select></label>
            <label>User <input id="user" placeholder="a user id, or any new name"></label>
            <label>Items a new user liked <input id="liked" class="wide" placeholder="item ids, comma separated"></label>
            <label>How many <input id="n" type="number" min="1" max="1000" value="10"></label>
            <button type="submit">Recommend</button>
          </form>
          <div id="status"></div>
          <ol id="results"></ol>
          <section id="whynot">
            <h2>Why not this item?</h2>
            <form id="why-form">
              <label>Item <input id="why-item" placeholder="an item id"></label>
              <button type="submit">Explain</button>
            </form>
            <div id="verdict"></div>
            <ul id="why-stages"></ul>
          </section>
        </main>
        <script>
        "use strict";
        const $ = (id) => document.getElementById(id);
        const limits = {};
        let last = null;

        function element(tag, className, text) {
          const node = document.createElement(tag);
          if (className) node.className = className;
          if (text !== undefined) node.textContent = text;
          return node;
        }

        function number(value) {
          return Math.abs(value) >= 100 ? value.toFixed(1) : value.toPrecision(3);
        }

        function likedItems() {
          return $("liked").value.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
        }

        async function call(url, options) {
          const response = await fetch(url, options);
          const body = await response.json();
          if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
          return body;
        }

        function status(text, isError) {
          $("status").textContent = text;
          $("status").className = isError ? "error" : "";
        }

        // The bar of the ranker's terms that no stage is the source of (its bias, the user's and
        // the item's own features).
        const ownTerms = "the ranker's own terms";

        // Each stage's share of the ranker's score: the sum of the terms it is the source of.
        function shares(item) {
          const sums = new Map();
          for (const stage of item.stages) sums.set(stage.stage, 0);
          for (const term of item.contributions) {
            const source = term.source || ownTerms;
            sums.set(source, (sums.get(source) || 0) + term.value);
          }
          return sums;
        }

        function drawItem(item, scale) {
          const row = element("li", "item");
          row.dataset.item = item.item;
          row.dataset.rank = item.rank;
          const head = element("div", "head");
          head.append(element("span", "rank", item.rank), element("span", "title", item.title),
            element("span", "meta", item.placement ? "arm " + item.placement.arm : item.item),
            element("span", "score", "score " + number(item.score)));
          row.append(head);
          if (item.summary === undefined) return row;
          row.append(element("div", "summary", item.summary));
          // What each re-rank step did to it, after the ranker.
          for (const move of item.moves || []) {
            row.append(element("div", "summary meta", "Re-rank " + move.text + "."));
          }
          if (item.placement) {
            // A bandit placed it: the arm's own terms decided, not a blend of the stages.
            row.append(element("div", "summary meta", "Placed by the bandit's arm " +
              item.placement.arm + ", chosen for this place with probability " +
              number(item.placement.propensity) + "."));
            return row;
          }
          row.append(element("div", "legend meta",
            "Each bar is a share of the ranker's score: a stage's (the terms it is the source " +
            "of) or " + ownTerms + " (what no stage is the source of); right and green raise " +
            "the score, left and red lower it."));
          const bars = element("div", "bars");
          for (const [stage, value] of shares(item)) {
            const track = element("div", "track");
            const bar = element("div", "bar " + (value >= 0 ? "up" : "down"));
            bar.style.width = (50 * Math.abs(value) / scale) + "%";
            track.append(bar);
            const name = element("span", "stage", stage);
            const shown = element("span", "value", number(value));
            track.dataset.stage = stage;
            track.dataset.value = value;
            bars.append(name, track, shown);
          }
          row.append(bars);
          return row;
        }

        async function recommend() {
          const body = { user: $("user").value.trim(), pipeline: $("pipeline").value, explain: true };
          const n = parseInt($("n").value, 10);
          if (!Number.isNaN(n)) body.n = n;
          const liked = likedItems();
          if (liked.length > 0) body.history = liked.map((item) => ({ item }));
          if (!body.user) body.user = liked.length > 0 ? "new user" : "";
          if (!body.user) return status("Type a user id, or the items a new user liked.", true);
          status("Asking " + body.pipeline + "…");
          try {
            const answer = await call("/v1/recommend", {
              method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
            });
            last = body;
            let scale = 1e-9;
            for (const item of answer.recommendations) {
              if (item.summary === undefined) continue;
              for (const value of shares(item).values()) scale = Math.max(scale, Math.abs(value));
            }
            $("results").replaceChildren(...answer.recommendations.map((item) => drawItem(item, scale)));
            status(answer.recommendations.length + " items from " + answer.pipeline + " for " + body.user +
              (liked.length > 0 ? ", with " + liked.length + " liked items folded in" : ""));
            document.body.dataset.ready = "recommend";
          } catch (error) {
            status(error.message, true);
            document.body.dataset.ready = "error";
          }
        }

        const verdicts = {
          "recommended": (e) => "Recommended at rank " + e.rank + ".",
          "below-cutoff": (e) => "The ranker put it at rank " + e.rank + " (score " +
            number(e.score) + "); the list ends at score " + number(e.cutoffScore) + ".",
          "filtered": (e) => "Removed by the filter " + e.filteredBy.join(", ") + ".",
          "not-nominated": () => "No candidate stage nominated it.",
        };

        async function whyNot() {
          const item = $("why-item").value.trim();
          if (!item) return;
          const body = last || { user: $("user").value.trim(), pipeline: $("pipeline").value };
          const query = new URLSearchParams({ user: body.user, item, pipeline: body.pipeline });
          if (body.n) query.set("n", body.n);
          if (body.history) query.set("history", body.history.map((h) => h.item).join(","));
          try {
            const answer = await call("/v1/explain?" + query);
            $("verdict").textContent = answer.title + ": " + verdicts[answer.verdict](answer);
            $("verdict").dataset.verdict = answer.verdict;
            $("why-stages").replaceChildren(...answer.stages.map((stage) => {
              const limit = limits[body.pipeline + "/" + stage.stage];
              let text = stage.stage + " (" + stage.type + "): ";
              if (stage.unavailable) text += "offered nothing (" + stage.unavailable.code + ")";
              else if (stage.nominated) text += "nominated it at rank " + stage.rank;
              else if (stage.rank) text += "ranked it " + stage.rank + ", beyond its limit of " + limit;
              else text += "did not score it";
              if (stage.score !== undefined) text += ", score " + number(stage.score);
              const line = element("li", "", text);
              line.dataset.stage = stage.stage;
              line.dataset.nominated = stage.nominated;
              return line;
            }));
            document.body.dataset.ready = "explain";
          } catch (error) {
            $("verdict").textContent = error.message;
            $("verdict").dataset.verdict = "error";
            $("why-stages").replaceChildren();
            document.body.dataset.ready = "error";
          }
        }

        async function start() {
          const list = await call("/v1/pipelines");
          for (const pipeline of list.pipelines) {
            $("pipeline").append(element("option", "", pipeline.name));
            for (const stage of pipeline.stages) limits[pipeline.name + "/" + stage.name] = stage.limit;
          }
          const asked = new URLSearchParams(location.search);
          if (asked.has("pipeline")) {
            const name = asked.get("pipeline");
            if (!list.pipelines.some((pipeline) => pipeline.name === name)) {
              status("No pipeline named '" + name + "'; the pipelines are " +
                list.pipelines.map((pipeline) => pipeline.name).join(", ") + ".", true);
              document.body.dataset.done = "true";
              return;
            }
            $("pipeline").value = name;
          }
          for (const key of ["user", "liked", "n"]) if (asked.has(key)) $(key).value = asked.get(key);
          $("ask").addEventListener("submit", (event) => { event.preventDefault(); recommend(); });
          $("why-form").addEventListener("submit", (event) => { event.preventDefault(); whyNot(); });
          if (asked.has("user") || asked.has("liked")) await recommend();
          if (asked.has("why")) {
            $("why-item").value = asked.get("why");
            await whyNot();
          }
          document.body.dataset.done = "true";
        }

        start().catch((error) => status(error.message, true));
        </script>
        </body>
        </html>
        """#
}
