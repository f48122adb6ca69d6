function (d, parent, map) {
    map.attributionControl.addAttribution(d.text);
    if (window.__ewMap) { window.__ewMap.undo.push(function () { map.attributionControl.removeAttribution(d.text); }); }
}
