// Accessible names for the release form's widgets that draw their own inputs: the body
// editor and the autocomplete pickers take the name of the field's label.
"use strict";

function labelOf(row) {
  const label = row && row.querySelector("label");
  return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
}

function nameWidgets(root) {
  for (const editor of root.querySelectorAll(".prose-editor [contenteditable=true]")) {
    const name = labelOf(editor.closest(".form-row"));
    if (name && !editor.hasAttribute("aria-label")) {
      editor.setAttribute("aria-label", name);
    }
  }
  for (const selection of root.querySelectorAll(".select2-selection")) {
    const row = selection.closest(".form-row, tr");
    const select = row && row.querySelector("select.admin-autocomplete");
    let name = labelOf(selection.closest(".form-row"));
    if (!name && select) {
      // In a table of inline forms the column heading names the field.
      const cell = select.closest("td");
      const heading = cell && cell.closest("table").querySelectorAll("thead th")[cell.cellIndex];
      name = heading ? heading.textContent.trim() : select.name;
    }
    if (!name) {
      continue;
    }
    if (selection.getAttribute("role") === "combobox" && !selection.hasAttribute("aria-label")) {
      selection.setAttribute("aria-label", name);
    }
    // A single choice is shown in a read-only text box of its own.
    const shown = selection.querySelector(".select2-selection__rendered[role=textbox]");
    if (shown && !shown.hasAttribute("aria-label")) {
      shown.setAttribute("aria-label", name);
    }
    const search = selection.querySelector(".select2-search__field");
    if (search && !search.hasAttribute("aria-label")) {
      search.setAttribute("aria-label", name);
    }
    // The chosen items and the search box share a list that holds more than items.
    const list = selection.querySelector("ul");
    if (list) {
      list.setAttribute("role", "presentation");
    }
  }
}

window.addEventListener("load", () => {
  nameWidgets(document);
  // The pickers redraw their chosen items (and rows are added) after every change.
  new MutationObserver(() => nameWidgets(document)).observe(document.body, {
    childList: true,
    subtree: true,
  });
});
