function (d, container, map) {
    var r = @@registry@@;
    for (var i = 0; i < r.live.length; i++) {
        r.visible[r.live[i].key] = map.hasLayer(r.live[i].layer);
        map.removeLayer(r.live[i].layer);
    }
    for (var j = 0; j < r.undo.length; j++) { r.undo[j](); }
    r.live = []; r.undo = [];
}
