
    function row(label, value) { return value === '' || value === null || value === undefined ? '' :
        '<tr><td class="ew-m">' + label + '</td><td>' + value + '</td></tr>'; }
    function fill(text, o) { return text.replace(/\{(\w+)\}/g, function (m, k) { return k in o ? o[k] : m; }); }
    function obj(cols, r) { var o = {}; for (var j = 0; j < cols.length; j++) { o[cols[j]] = r[j]; } return o; }
    function put(parent, layers) {
        if (parent.addLayers) { parent.addLayers(layers); }
        else { for (var i = 0; i < layers.length; i++) { parent.addLayer(layers[i]); } }
    }

