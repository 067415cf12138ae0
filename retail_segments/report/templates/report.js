// Sortable tables: a click (or Enter) on a header sorts the rows by that column,
// again to reverse. Number cells sort by their full value (data-sort), missing
// values last; text cells by what they show. Inlined in the page; fetches nothing.
(function () {
  "use strict";
  function key(cell) {
    var value = cell.getAttribute("data-sort");
    return value === null ? cell.textContent.trim() : value;
  }
  function compare(a, b, numeric) {
    if (a === "" || b === "") { return (a === "") - (b === ""); }
    if (numeric) { return parseFloat(a) - parseFloat(b); }
    return a.localeCompare(b, undefined, {numeric: true, sensitivity: "base"});
  }
  function sortBy(table, header, column) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var numeric = rows.every(function (row) {
      return row.cells[column].hasAttribute("data-sort");
    });
    var keyed = rows.map(function (row, index) {
      return {row: row, key: key(row.cells[column]), index: index};
    });
    keyed.sort(function (x, y) {
      var order = compare(x.key, y.key, numeric);
      if (x.key !== "" && y.key !== "" && !ascending) { order = -order; }
      return order || x.index - y.index;
    });
    keyed.forEach(function (item) { body.appendChild(item.row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.setAttribute("aria-sort", "none");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, column) {
      header.addEventListener("click", function () { sortBy(table, header, column); });
      header.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sortBy(table, header, column);
        }
      });
    });
  });
})();
