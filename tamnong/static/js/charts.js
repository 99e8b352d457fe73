// Draws every chart of a page from its JSON data block; the same data is in the table beside it
// and downloadable as CSV.
(function () {
  function csv(chart) {
    const rows = [["", ...chart.datasets.map((d) => d.label)]];
    chart.labels.forEach((label, i) => rows.push([label, ...chart.datasets.map((d) => d.data[i])]));
    return rows.map((r) => r.map((v) => `"${String(v).replace(/"/g, '""')}"`).join(",")).join("\n");
  }
  document.querySelectorAll("canvas[id^='chart-']").forEach(function (canvas) {
    const key = canvas.id.slice("chart-".length);
    const chart = JSON.parse(document.getElementById(key).textContent);
    const link = document.querySelector(`a[data-csv='${key}']`);
    if (link) link.href = "data:text/csv;charset=utf-8," + encodeURIComponent("\ufeff" + csv(chart));
    if (typeof Chart === "undefined") return;
    new Chart(canvas, {
      type: chart.kind || "bar",
      data: { labels: chart.labels, datasets: chart.datasets },
      options: { locale: "vi-VN", animation: false, responsive: true },
    });
  });
})();
