package org.pmpdrepro.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

@Tag("unit")
class PrecisionTraceChartTest {

    private static final String SVG_NS = "http://www.w3.org/2000/svg";

    @Test
    void aFewSamplesAreOnePolylineEachInAStandaloneSvg() throws Exception {
        List<PrecisionTrace> traces = List.of(
                trace("s1", 4, 4, 4, 3, 3, 3, 3),
                trace("s2", 4, 4, 3, 3, 3),
                trace("s3", 4, 4, 4, 4, 4, 4, 3, 3, 3, 3));
        Document svg = parse(PrecisionTraceChart.svg("debsum · GPTQ · 4>3 · static", traces));

        assertThat(svg.getDocumentElement().getLocalName()).isEqualTo("svg");
        assertThat(withClass(svg, "polyline", "series")).extracting(e -> e.getAttribute("data-sample"))
                .containsExactly("s1", "s2", "s3");
        assertThat(withClass(svg, "text", "legend")).extracting(Element::getTextContent)
                .containsExactly("s1", "s2", "s3");
    }

    @Test
    void axesCarryTickLabelsForStepsAndBitsAndNameTheirQuantities() throws Exception {
        Document svg = parse(PrecisionTraceChart.svg("chart", List.of(trace("a", 4, 4, 3, 3, 3, 3, 3, 3, 3, 3))));

        assertThat(withClass(svg, "text", "tick x")).extracting(Element::getTextContent)
                .startsWith("0", "1").contains("10");
        assertThat(withClass(svg, "text", "tick y")).extracting(Element::getTextContent).contains("3", "4");
        assertThat(withClass(svg, "text", "axis-label x")).extracting(Element::getTextContent)
                .containsExactly("decode step");
        assertThat(withClass(svg, "text", "axis-label y")).extracting(Element::getTextContent).containsExactly("bits");
    }

    @Test
    void manySamplesBecomeAHeatStripWithOneRowPerSample() throws Exception {
        List<PrecisionTrace> traces = IntStream.range(0, PrecisionTraceChart.MAX_LINES + 8)
                .mapToObj(i -> trace("sample-" + i, 4, 4, 4, 3, 3))
                .toList();
        Document svg = parse(PrecisionTraceChart.svg("many", traces));

        assertThat(withClass(svg, "g", "series")).hasSize(traces.size());
        assertThat(withClass(svg, "polyline", "series")).isEmpty();
        assertThat(withClass(svg, "text", "legend")).extracting(Element::getTextContent).contains("3", "4");
    }

    @Test
    void titleAndSampleIdsAreEscapedSoTheSvgStillParses() throws Exception {
        String title = "<script>alert('x')</script> & \"quotes\"";
        Document svg = parse(PrecisionTraceChart.svg(title, List.of(trace("a<b&c", 4, 3))));

        assertThat(withClass(svg, "text", "chart-title").get(0).getTextContent()).isEqualTo(title);
        assertThat(svg.getElementsByTagNameNS(SVG_NS, "script").getLength()).isZero();
        assertThat(withClass(svg, "polyline", "series").get(0).getAttribute("data-sample")).isEqualTo("a<b&c");
    }

    @Test
    void theSameTracesGiveTheSameBytes() {
        List<PrecisionTrace> traces = List.of(trace("a", 4, 3), trace("b", 4, 4, 3));
        assertThat(PrecisionTraceChart.svg("t", traces)).isEqualTo(PrecisionTraceChart.svg("t", traces));
    }

    @Test
    void anEmptyListOrAStepWithoutBitsIsRefusedWithTheSampleNamed() {
        assertThatThrownBy(() -> PrecisionTraceChart.svg("empty", List.of()))
                .hasMessageContaining("'empty'").hasMessageContaining("no traces");
        assertThatThrownBy(() -> trace("s9", 4, 0))
                .hasMessageContaining("'s9'").hasMessageContaining("step 1").hasMessageContaining("0.0 bits");
    }

    @Test
    void tickStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertThat(PrecisionTraceChart.niceStep(7)).isEqualTo(1);
        assertThat(PrecisionTraceChart.niceStep(33)).isEqualTo(5);
        assertThat(PrecisionTraceChart.niceStep(120)).isEqualTo(20);
        assertThat(PrecisionTraceChart.niceStep(256)).isEqualTo(50);
    }

    private static PrecisionTrace trace(String sample, double... bits) {
        List<Double> list = new ArrayList<>();
        for (double b : bits) {
            list.add(b);
        }
        return new PrecisionTrace(sample, list);
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> withClass(Document doc, String tag, String cssClass) {
        NodeList nodes = doc.getElementsByTagNameNS(SVG_NS, tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            if (e.getAttribute("class").equals(cssClass)) {
                out.add(e);
            }
        }
        return Collections.unmodifiableList(out);
    }
}
