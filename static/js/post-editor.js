/* The post form's CKEditor 5 (self-hosted UMD build, global CKEDITOR). Settings come from
   #post-editor-settings; without JavaScript the plain textarea still works. The server
   sanitises whatever is sent, so nothing here is a defence. */
(function () {
  "use strict";

  var settings = document.getElementById("post-editor-settings");
  var textarea = document.querySelector("textarea#body");
  if (!settings || !textarea || typeof window.CKEDITOR === "undefined") {
    return;
  }
  var data = settings.dataset;
  var C = window.CKEDITOR;
  // Our catalog's words for the editor (its label, the heading titles): JSON, used as text.
  var textsElement = document.getElementById("post-editor-texts");
  var texts = textsElement ? JSON.parse(textsElement.textContent) : {};
  var headings = texts.headings || {};
  var plugins = [
    C.Essentials, C.Paragraph, C.Heading, C.Bold, C.Italic, C.Link, C.AutoLink, C.List,
    C.BlockQuote, C.Table, C.TableToolbar, C.TableCaption, C.Image, C.ImageToolbar,
    C.ImageCaption, C.ImageStyle, C.ImageInsertViaUrl, C.AutoImage, C.Autoformat,
    C.PasteFromOffice
  ];
  var toolbar = [
    "undo", "redo", "|", "heading", "|", "bold", "italic", "link", "|",
    "bulletedList", "numberedList", "blockQuote", "insertTable", "insertImage"
  ];
  var config = {
    licenseKey: "GPL",
    language: { ui: data.language, content: data.language },
    // The editing area's accessible name (CKEditor's own is "Rich Text Editor. Editing
    // area: main", partly English in German).
    label: texts.label || undefined,
    plugins: plugins,
    toolbar: toolbar,
    heading: {
      options: [
        { model: "paragraph", title: headings.paragraph || "Paragraph", class: "ck-heading_paragraph" },
        { model: "heading2", view: "h2", title: headings.heading2 || "Heading 2", class: "ck-heading_heading2" },
        { model: "heading3", view: "h3", title: headings.heading3 || "Heading 3", class: "ck-heading_heading3" },
        { model: "heading4", view: "h4", title: headings.heading4 || "Heading 4", class: "ck-heading_heading4" }
      ]
    },
    image: { toolbar: ["imageTextAlternative", "toggleImageCaption", "|", "imageStyle:side"] },
    table: { contentToolbar: ["tableColumn", "tableRow", "mergeTableCells"] },
    link: { defaultProtocol: "https://" }
  };
  if (data.uploadUrl) {
    plugins.push(C.ImageUpload, C.SimpleUploadAdapter);
    config.simpleUpload = { uploadUrl: data.uploadUrl, headers: { "X-CSRFToken": data.csrf } };
  }
  // The browser must not refuse to submit a form whose textarea the editor hides.
  textarea.removeAttribute("required");

  C.ClassicEditor.create(textarea, config).then(function (editor) {
    window.postEditor = editor;
    document.body.setAttribute("data-editor-ready", "true");
    if (data.imagesUrl) {
      addLibraryPicker(editor);
    }
  }).catch(function (error) {
    // Keep the plain textarea usable and say why in the console.
    console.error("CKEditor could not start", error);
  });

  function addLibraryPicker(editor) {
    var wrapper = document.createElement("div");
    wrapper.className = "media-picker form-inline my-2";
    var label = document.createElement("label");
    label.className = "mr-2";
    label.textContent = data.labelLibrary;
    var select = document.createElement("select");
    select.className = "custom-select custom-select-sm";
    select.setAttribute("data-testid", "media-picker");
    label.htmlFor = select.id = "media-picker";
    wrapper.appendChild(label);
    wrapper.appendChild(select);
    editor.ui.element.parentNode.insertBefore(wrapper, editor.ui.element);

    function option(value, text) {
      var element = document.createElement("option");
      element.value = value;
      element.textContent = text;
      return element;
    }

    fetch(data.imagesUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { images: [] }; })
      .then(function (payload) {
        var images = payload.images || [];
        select.appendChild(option("", images.length ? data.labelChoose : data.labelNone));
        images.forEach(function (image) { select.appendChild(option(image.url, image.name)); });
      });

    select.addEventListener("change", function () {
      if (select.value) {
        editor.execute("insertImage", { source: select.value });
        select.value = "";
        editor.editing.view.focus();
      }
    });
  }
})();
