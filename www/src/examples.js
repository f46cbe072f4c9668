// The bundled example manifests of the package, one click away in the editor.
import good from "../../pkg/examples/manifests/good-deployment.yaml?raw";
import bad from "../../pkg/examples/manifests/bad-images.yaml?raw";
import install from "../../pkg/examples/manifests/install.yaml?raw";

export const EXAMPLES = [
  { id: "good", label: "Good Deployment", text: good },
  { id: "bad", label: "Bad images", text: bad },
  { id: "install", label: "Multi-document install", text: install },
];
