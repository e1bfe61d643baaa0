/**
 * The bare app after loading, not running, every module the example's synth loads:
 * how much of the example's time is loading code before anything is built.
 */
import '../../stacks';
import '../../config';
import './bare-app';
