package dev.vigil.dataset;

import dev.vigil.sampling.Sample;
import dev.vigil.sampling.SampleStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Pascal VOC: {@code JPEGImages/<id>.jpg}, {@code Annotations/<id>.xml} (one {@code <object>} per box, pixel corners,
 * 1-based as VOC's are) and {@code ImageSets/Main/train.txt}, {@code val.txt}. A pre-label's score goes in an
 * {@code <score>} element beside {@code <name>}, which VOC readers skip.
 */
final class VocFormat extends Export {

    private static final XMLOutputFactory XML = XMLOutputFactory.newFactory();

    VocFormat(SampleStore store, List<Sample> samples, Path out, double valShare, boolean labelledOnly) {
        super(store, samples, out, valShare, labelledOnly);
    }

    @Override
    protected int write() throws IOException {
        List<String> train = new ArrayList<>(), val = new ArrayList<>();
        Files.createDirectories(out.resolve("Annotations"));
        for (Item it : items) {
            Sample s = it.sample();
            copyImage(s, out.resolve("JPEGImages").resolve(s.id() + ".jpg"));
            try (OutputStream o = Files.newOutputStream(out.resolve("Annotations").resolve(s.id() + ".xml"))) {
                xml(o, it);
            } catch (XMLStreamException e) {
                throw new IOException("writing the VOC annotation of " + s.id() + ": " + e.getMessage(), e);
            }
            (it.split().equals("val") ? val : train).add(s.id());
        }
        Path sets = out.resolve("ImageSets").resolve("Main");
        Files.createDirectories(sets);
        Files.write(sets.resolve("train.txt"), train, StandardCharsets.UTF_8);
        Files.write(sets.resolve("val.txt"), val, StandardCharsets.UTF_8);
        return items.size();
    }

    private static void xml(OutputStream o, Item it) throws XMLStreamException {
        Sample s = it.sample();
        XMLStreamWriter w = XML.createXMLStreamWriter(o, "UTF-8");
        w.writeStartDocument("UTF-8", "1.0");
        w.writeStartElement("annotation");
        element(w, "folder", "JPEGImages");
        element(w, "filename", s.id() + ".jpg");
        w.writeStartElement("source");
        element(w, "database", "vigil");
        element(w, "camera", s.camera());
        w.writeEndElement();
        w.writeStartElement("size");
        element(w, "width", Integer.toString(s.width()));
        element(w, "height", Integer.toString(s.height()));
        element(w, "depth", "3");
        w.writeEndElement();
        element(w, "segmented", "0");
        for (Sample.Box b : it.boxes()) {
            double[] p = pixels(s, b);
            w.writeStartElement("object");
            element(w, "name", b.label());
            if (it.predicted()) element(w, "score", Double.toString(b.score()));
            element(w, "pose", "Unspecified");
            element(w, "truncated", "0");
            element(w, "difficult", "0");
            w.writeStartElement("bndbox");
            element(w, "xmin", Long.toString(Math.max(1, Math.round(p[0]) + 1)));
            element(w, "ymin", Long.toString(Math.max(1, Math.round(p[1]) + 1)));
            element(w, "xmax", Long.toString(Math.min(s.width(), Math.round(p[2]))));
            element(w, "ymax", Long.toString(Math.min(s.height(), Math.round(p[3]))));
            w.writeEndElement();
            w.writeEndElement();
        }
        w.writeEndElement();
        w.writeEndDocument();
        w.close();
    }

    private static void element(XMLStreamWriter w, String name, String text) throws XMLStreamException {
        w.writeStartElement(name);
        w.writeCharacters(text);
        w.writeEndElement();
    }
}
