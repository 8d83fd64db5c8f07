// The upload page, with JavaScript: several images at once (picked or
// dropped), each with its upload progress, its task id, its state as it
// changes, and its result next to the original with a download link.
// Without this file the form still works: it posts to /procesar and the
// server answers with the task's page.
'use strict';

(function () {
  const form = document.getElementById('formulario');
  const input = document.getElementById('imagen');
  const zone = document.getElementById('zona');
  const section = document.getElementById('tareas');
  const list = document.getElementById('lista');
  if (!form || !input || !list || !window.FormData || !window.XMLHttpRequest) {
    return; // the plain form does the job
  }
  const params = ['escala', 'ancho', 'alto', 'gris', 'formato', 'calidad', 'filtro'];
  const words = {
    'En cola': 'esperando un proceso de trabajo libre',
    'En progreso': 'un proceso de trabajo la está procesando',
    'Completada': 'el resultado está listo',
    'Error': 'no se pudo procesar'
  };

  input.multiple = true;
  document.getElementById('zona-ayuda').hidden = false;

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    startAll(input.files);
    input.value = '';
  });
  zone.addEventListener('dragover', function (ev) {
    ev.preventDefault();
    zone.classList.add('arrastrando');
  });
  zone.addEventListener('dragleave', function () {
    zone.classList.remove('arrastrando');
  });
  zone.addEventListener('drop', function (ev) {
    ev.preventDefault();
    zone.classList.remove('arrastrando');
    if (ev.dataTransfer) {
      startAll(ev.dataTransfer.files);
    }
  });

  // query returns the form's options as a query string, leaving out
  // empty fields (the server's defaults apply).
  function query() {
    const q = new URLSearchParams();
    for (const name of params) {
      const el = form.elements[name];
      if (el && el.value !== '') {
        q.set(name, el.value);
      }
    }
    const s = q.toString();
    return s ? '?' + s : '';
  }

  function startAll(files) {
    if (!files || files.length === 0) {
      return;
    }
    const q = query();
    section.hidden = false;
    for (const file of Array.from(files)) {
      upload(file, q);
    }
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) {
      e.className = cls;
    }
    if (text !== undefined) {
      e.textContent = text; // text, never markup: names come from the user
    }
    return e;
  }

  // upload sends one file as its own task and follows it.
  function upload(file, q) {
    const item = el('li', 'tarea');
    item.dataset.estados = '';
    const title = el('h3', 'nombre', file.name);
    const bar = el('progress');
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute('aria-label', 'Subida de ' + file.name);
    const state = el('p', 'estado', 'Subiendo…');
    state.setAttribute('role', 'status');
    const id = el('p', 'id');
    id.hidden = true;
    const pair = el('div', 'par');
    const original = el('figure', 'original');
    original.appendChild(preview(file));
    original.appendChild(el('figcaption', '', 'Original (' + size(file.size) + ')'));
    pair.appendChild(original);
    const links = el('p', 'enlaces');
    item.append(title, bar, state, id, pair, links);
    list.prepend(item);

    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/procesar' + q);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', function (ev) {
      if (ev.lengthComputable) {
        bar.value = Math.round(ev.loaded * 100 / ev.total);
      }
    });
    xhr.addEventListener('load', function () {
      let data = {};
      try {
        data = JSON.parse(xhr.responseText);
      } catch (e) {
        // not JSON: reported below by status
      }
      if (xhr.status === 202 && data.id_tarea) {
        bar.value = 100;
        id.hidden = false;
        id.append('Id de la tarea: ', el('code', '', data.id_tarea));
        const page = el('a', '', 'página de la tarea');
        page.href = '/estado/' + encodeURIComponent(data.id_tarea);
        links.append(page);
        show(item, state, data.estado);
        follow(data.id_tarea, item, state, pair, links, file.name);
      } else {
        show(item, state, 'Error', data.error || ('el servidor respondió ' + xhr.status));
      }
    });
    xhr.addEventListener('error', function () {
      show(item, state, 'Error', 'no se pudo conectar con el servidor');
    });
    const body = new FormData();
    body.append('imagen', file, file.name);
    xhr.send(body);
  }

  // show writes a state in words, and keeps every state seen in
  // data-estados (the page's own record of the task's changes).
  function show(item, state, estado, reason) {
    const seen = item.dataset.estados ? item.dataset.estados.split('|') : [];
    if (seen[seen.length - 1] !== estado) {
      seen.push(estado);
      item.dataset.estados = seen.join('|');
    }
    item.dataset.estado = estado;
    let text = estado + ': ' + (words[estado] || '');
    if (reason) {
      text += ' (' + reason + ')';
    }
    state.textContent = text;
  }

  // follow asks for the task's status until it ends.
  function follow(taskID, item, state, pair, links, name) {
    fetch('/estado/' + encodeURIComponent(taskID), {
      headers: { 'Accept': 'application/json' },
      cache: 'no-store'
    }).then(function (r) {
      return r.json();
    }).then(function (st) {
      show(item, state, st.estado, st.error);
      if (st.estado === 'Completada') {
        result(st, pair, links, name);
      } else if (st.estado !== 'Error') {
        setTimeout(follow, 400, taskID, item, state, pair, links, name);
      }
    }).catch(function () {
      setTimeout(follow, 1500, taskID, item, state, pair, links, name);
    });
  }

  function result(st, pair, links, name) {
    const fig = el('figure', 'procesada');
    const img = el('img');
    img.src = st.resultado_url;
    img.alt = 'Imagen procesada a partir de ' + name;
    img.width = st.ancho;
    img.height = st.alto;
    fig.appendChild(img);
    fig.appendChild(el('figcaption', '', st.ancho + ' × ' + st.alto + ' píxeles, ' + size(st.bytes) +
      ', procesada en ' + st.duracion_ms + ' ms'));
    pair.appendChild(fig);
    const link = el('a', 'boton descargar', 'Descargar');
    link.href = st.resultado_url;
    link.setAttribute('download', '');
    links.prepend(link, ' ');
  }

  // preview draws the original into a canvas. The page may load images
  // only from this server (its Content-Security-Policy), so no blob: URL:
  // the browser decodes the file itself.
  function preview(file) {
    const canvas = el('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', 'Original: ' + file.name);
    canvas.width = 1;
    canvas.height = 1;
    if (window.createImageBitmap) {
      createImageBitmap(file).then(function (bmp) {
        const f = Math.min(1, 480 / bmp.width);
        canvas.width = Math.max(1, Math.round(bmp.width * f));
        canvas.height = Math.max(1, Math.round(bmp.height * f));
        canvas.getContext('2d').drawImage(bmp, 0, 0, canvas.width, canvas.height);
      }).catch(function () {
        canvas.setAttribute('aria-label', 'Original: ' + file.name + ' (sin vista previa)');
      });
    }
    return canvas;
  }

  function size(n) {
    if (n < 1024) {
      return n + ' bytes';
    }
    if (n < 1024 * 1024) {
      return (n / 1024).toFixed(1).replace('.', ',') + ' KiB';
    }
    return (n / 1024 / 1024).toFixed(1).replace('.', ',') + ' MiB';
  }
})();
